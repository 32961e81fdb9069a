"""Replace a set of files in a folder as one unit: readers see the whole old set or the whole new set.

Why symlinks
------------
`os.replace` (rename(2)) is atomic for one file, but there is no system call that renames several
files together. Renaming round.json, round.md, round.csv and round.html one by one leaves, for a
moment or for good if the process is killed, a folder where round.json is new and the rest are
old. So, as Kubernetes' AtomicWriter does for ConfigMap volumes, the files are reached through one
symlink and the set is switched by replacing that single symlink:

    out/.negotiator.lock                      flock(2)ed for the whole write: writers take turns
    out/.negotiator-current -> .negotiator-20240501T120000.123456Z-1a2b3c4d
    out/.negotiator-20240501T120000.123456Z-1a2b3c4d/round.json    the data, written and fsynced
    out/round.json -> .negotiator-current/round.json               what people open (relative link)

Each data folder also holds `.negotiator-kind`, the command that wrote the set. Before anything
changes (and again under the lock), the folder is checked: it must hold nothing but the lock,
`.negotiator-*` entries and the visible links of an earlier set of the same kind (check_out), and
none of the command's inputs; otherwise RefusedFolder, and nothing is touched.

A write, under the lock:

1. remove leftovers of killed runs: every `.negotiator-*` entry (data folder, temporary symlink,
   staging folder of older versions) other than `.negotiator-current` and the folder it points at;
2. write every file into a new hidden folder `.negotiator-<UTC stamp>-<random>`, then put them on
   disk (one syncfs(2) of the file system on Linux, else an fsync of each file) and fsync the folder;
3. if a visible name is a plain file (written by an older version) or someone else's symlink,
   first move the *old* set behind the links: a migration folder holding hard links (or copies) of
   those files and of the current data is made current, then each plain file is replaced, with
   `os.replace`, by a symlink that shows the same bytes. Only then, and only once the new data is
   complete, does anything visible change; the set stays whole during the conversion too;
4. every visible name is made a relative symlink `.negotiator-current/NAME`, created once through
   a temporary symlink and `os.replace` (a name new in this set dangles until the switch, which is
   what the old set says: no such file);
5. the switch: a temporary symlink to the new folder is renamed over `.negotiator-current`
   (`os.replace`, atomic), then the folder is fsynced;
6. visible links of names that are not in the new set are removed, and the old data folder too.

A SIGKILL at any instant leaves either the old set or the new set visible, plus perhaps an unused
data folder or temporary symlink that the next write removes (step 1). SIGTERM is caught while a
write is under way (the previous handler is put back afterwards): before the switch the write is
abandoned and its staging removed, after it the write is finished; then the signal is delivered
again to the previous handler, so by default the process ends as killed by SIGTERM (exit 143 in a
shell). Errors (read-only folder, full disk, a file where the folder should be) raise OSError with a
sentence saying what could not be done, and leave the old set and no staging behind.

Readers that open several files should know that each open sees one whole set at that instant; a
reader wanting one generation of several files can resolve `.negotiator-current` once and read
through the folder it names. POSIX only (fcntl, symlinks).
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import shutil
import signal
import stat
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Mapping, Union

PREFIX = ".negotiator-"
CURRENT = ".negotiator-current"
LOCK = ".negotiator.lock"
#: Inside each data folder: the kind of set (the command that wrote it), so that no command replaces
#: a set another command wrote (`negotiator england --out X` then `round X --out X` would otherwise
#: delete the places it has just read).
KIND = ".negotiator-kind"


class RefusedFolder(OSError):
    """The output folder holds something this write did not make: nothing was changed."""

    def __init__(self, message: str, path: Path):
        super().__init__(errno.EEXIST, message, str(path))


class _Terminated(BaseException):
    """SIGTERM arrived before the switch: abandon the write (BaseException so nothing swallows it)."""


Content = Union[bytes, str, Iterable[Union[bytes, str]]]


def write_set(out: Path, files: Mapping[str, Content], *, kind: str = "files",
              inputs: Iterable[Union[str, os.PathLike]] = ()) -> list[Path]:
    """Make `out/NAME` show `files[NAME]` for every name, all at once; return the visible paths.

    Text is written as UTF-8 with newlines unchanged. A content may also be an iterable of chunks
    (text or bytes), written as they come, so that a large file need never be whole in memory; it is
    consumed once. Names must be plain file names: not empty, no '/', no NUL, not starting with '.'.

    Nothing is ever deleted that this module did not write for the same `kind` (the command's name):
    `out` must be missing, empty, or hold only an earlier set of that kind (its visible links, its
    hidden `.negotiator-*` entries and lock; plain files of an older version named as in `files`),
    and no path of `inputs` may be `out` or inside it; otherwise RefusedFolder is raised, with one
    sentence naming what is in the way, and nothing changes. Visible links of the earlier set whose
    names are not in `files` go with it.
    """
    out = Path(out)
    data: dict[str, bytes | Iterable] = {}
    for name, content in files.items():
        if not isinstance(name, str) or not name or "/" in name or "\0" in name or name.startswith("."):
            raise ValueError(f"not a plain file name: {name!r}")
        if isinstance(content, str):
            data[name] = content.encode("utf-8")
        elif isinstance(content, (bytes, bytearray, memoryview)):
            data[name] = bytes(content)
        else:
            data[name] = content

    check_out(out, kind, inputs, names=set(data))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise _error(exc, f"cannot make the folder {out}: a file is there, not a folder", out) from None
    except OSError as exc:
        raise _error(exc, f"cannot make the folder {out}", out) from None
    if not out.is_dir():  # a symlink to a file, say
        raise OSError(errno.ENOTDIR, f"{out} is not a folder", str(out))
    for name in data:
        visible = out / name
        if visible.is_dir() and not visible.is_symlink():
            raise OSError(errno.EISDIR, f"cannot write {visible}: a folder is in the way", str(visible))

    try:
        lock = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise _error(exc, f"cannot write into {out}", out / LOCK) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        check_out(out, kind, inputs, names=set(data))  # again under the lock: another writer may have been first
        with _SigtermGuard() as guard:
            _Writer(out, data, guard, kind).run()
            # Only back here once the staging is gone: the old set or the new one is complete.
    finally:
        os.close(lock)
    return [out / name for name in data]


def check_out(out: Path, kind: str = "files", inputs: Iterable[Union[str, os.PathLike]] = (),
              names: set[str] | None = None) -> None:
    """Raise RefusedFolder unless a set of `kind` may be written into `out` (see write_set).

    Commands call this before their work as well, so a refusal comes at once. `names`, when known,
    are the files of the new set: plain files so named (written by versions before report sets) may
    be replaced, and an earlier set that does not say its kind must have only names among them.
    """
    out = Path(out)
    where = os.path.abspath(out)
    try:
        real = os.path.realpath(out)
    except (OSError, RuntimeError):  # a symlink loop: mkdir will say so
        real = where
    for item in inputs:
        path = os.fspath(item) if item is not None else ""
        if not path:
            continue
        try:
            inside = os.path.realpath(path)
        except (OSError, RuntimeError):
            inside = os.path.abspath(path)
        if inside == real:
            raise RefusedFolder(f"the folder is an input of this command ({path}); writing a {kind} set there "
                                "would replace it: choose another folder", out)
        if inside.startswith(real.rstrip("/") + "/"):
            raise RefusedFolder(f"the folder holds {path}, an input of this command; writing a {kind} set there "
                                "would replace it: choose another folder", out)
    try:
        entries = sorted(os.scandir(out), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return  # made by write_set; a file in the way is reported there
    except OSError as exc:
        raise _error(exc, f"cannot read the folder {out}", out) from None
    current = None
    try:
        target = os.readlink(os.path.join(out, CURRENT))
        current = target if _is_data_name(target) else None
    except OSError:
        pass
    previous = None
    if current is not None:
        try:
            with open(os.path.join(out, current, KIND), "rb") as fh:
                previous = fh.read(100).decode("utf-8", "replace").strip() or None
        except OSError:
            pass
    ours, foreign = [], []
    for entry in entries:
        name = entry.name
        if name == LOCK or name.startswith(PREFIX):
            continue
        try:
            link = os.readlink(entry.path)
        except OSError:
            link = None
        if link == f"{CURRENT}/{name}":
            ours.append(name)
        elif names is not None and name in names and entry.is_file(follow_symlinks=False):
            continue  # a report of a version that wrote plain files: migrated, then replaced
        else:
            foreign.append(name + ("/" if entry.is_dir(follow_symlinks=False) else ""))
    if foreign:
        raise RefusedFolder(f"the folder holds {_some(foreign)}, which negotiator {kind} did not write there; "
                            f"choose a new or empty folder (or one holding only an earlier {kind} set)", out)
    if ours and previous is not None and previous != kind:
        raise RefusedFolder(f"the folder holds the set negotiator {previous} wrote ({_some(ours)}); a {kind} set "
                            "there would delete it: choose another folder", out)
    if ours and previous is None and names is not None and not set(ours) <= names:
        raise RefusedFolder(f"the folder holds an earlier set ({_some(sorted(set(ours) - names))}) that a {kind} "
                            "set would delete: choose another folder", out)


def _some(names: list[str]) -> str:
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


class _SigtermGuard:
    """While active, SIGTERM only raises a flag; on exit the previous handler is restored and the
    signal delivered to it again. Only the main thread can install handlers; elsewhere this does nothing."""

    def __init__(self):
        self.received = False
        self.previous = None
        self.active = False

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            previous = signal.getsignal(signal.SIGTERM)
            if previous is not signal.SIG_IGN:  # an ignored SIGTERM stays ignored
                self.previous, self.active = previous, True
                signal.signal(signal.SIGTERM, self._handler)
        return self

    def _handler(self, signum, frame):
        self.received = True

    def check(self) -> None:
        """Call at points where abandoning the write is safe (before the switch)."""
        if self.received:
            raise _Terminated()

    def __exit__(self, exc_type, exc, tb):
        if not self.active:
            return False
        signal.signal(signal.SIGTERM, self.previous if self.previous is not None else signal.SIG_DFL)
        if self.received:
            if callable(self.previous):
                self.previous(signal.SIGTERM, None)
            else:  # SIG_DFL (or unknown): die of it, as we would have without the guard
                os.kill(os.getpid(), signal.SIGTERM)
            if exc_type is _Terminated:
                # The previous handler returned: the write was abandoned, so say so.
                raise InterruptedError(errno.EINTR, "writing was interrupted by SIGTERM; the previous files are kept")
        return False


class _Writer:
    def __init__(self, out: Path, data: dict[str, bytes | Iterable], guard: _SigtermGuard, kind: str):
        self.out, self.data, self.guard, self.kind = out, data, guard, kind
        self.staged: list[Path] = []  # removed if we stop before the switch

    def run(self) -> None:
        try:
            self._remove_stale()
            self.guard.check()
            new = self._write_data()
            self.guard.check()
            self._migrate_plain_files()
            self.guard.check()
            for name in self.data:
                self._make_link(name)
            self.guard.check()
            old = self._current_target()
            self._point_current_at(new.name)
        except BaseException:
            current = self._current_target()  # whatever readers see now stays
            for path in reversed(self.staged):
                if path.name != current:
                    _remove(path)
            raise
        # Switched: from here on the new set is what readers see; tidying never undoes it.
        self._remove_links_not_in(set(self.data))
        if old is not None and old != new.name:
            _remove(self.out / old)
        _fsync_dir(self.out)

    # --- steps --------------------------------------------------------------------------------

    def _current_target(self) -> str | None:
        try:
            target = os.readlink(self.out / CURRENT)
        except OSError:
            return None
        return target if _is_data_name(target) else None

    def _remove_stale(self) -> None:
        keep = {CURRENT, self._current_target()}
        for entry in os.scandir(self.out):
            if entry.name.startswith(PREFIX) and entry.name not in keep:
                _remove(Path(entry.path))

    def _write_data(self) -> Path:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        folder = self.out / f"{PREFIX}{stamp}-{secrets.token_hex(4)}"
        try:
            os.mkdir(folder, 0o755)
        except OSError as exc:
            raise _error(exc, f"cannot write into {self.out}", folder) from None
        self.staged.append(folder)
        for name, content in self.data.items():
            path = folder / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
                try:
                    written = released = 0
                    for chunk in _chunks(content):
                        view = memoryview(chunk)
                        while view:
                            view = view[os.write(fd, view):]
                        written += len(chunk)
                        if written - released >= RELEASE_EVERY:
                            _release_written(fd)
                            released = written
                finally:
                    os.close(fd)
            except OSError as exc:
                raise _error(exc, f"cannot write {self.out / name}", self.out / name) from None
            self.guard.check()
        try:
            fd = os.open(folder / KIND, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
            try:
                os.write(fd, self.kind.encode("utf-8") + b"\n")
            finally:
                os.close(fd)
        except OSError as exc:
            raise _error(exc, f"cannot write into {self.out}", folder / KIND) from None
        # every file on disk before anything points at them: the file system synced once where it can be
        if not _syncfs(folder):
            for name in [*self.data, KIND]:
                try:
                    _fsync_file(folder / name)
                except OSError as exc:
                    shown = self.out / name if name != KIND else folder / KIND
                    raise _error(exc, f"cannot write {shown}", shown) from None
        _fsync_dir(folder)
        return folder

    def _migrate_plain_files(self) -> None:
        """Put the old content of plain visible files behind links before anything visible changes."""
        plain = [name for name in self.data if self._needs_migration(name)]
        if not plain:
            return
        old = self._current_target()
        folder = self.out / f"{PREFIX}{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S.%fZ')}-{secrets.token_hex(4)}"
        try:
            os.mkdir(folder, 0o755)
            self.staged.append(folder)
            if old is not None:
                for entry in os.scandir(self.out / old):
                    if entry.is_file(follow_symlinks=False):
                        _link_or_copy(Path(entry.path), folder / entry.name)
            for name in plain:
                visible = self.out / name
                if visible.is_file():  # a plain file, or a symlink to one: keep what readers see
                    (folder / name).unlink(missing_ok=True)
                    _link_or_copy(visible, folder / name)
            _fsync_dir(folder)
        except OSError as exc:
            raise _error(exc, f"cannot convert the files in {self.out}", self.out) from None
        self._point_current_at(folder.name)
        # The migration folder now holds the old set; it is tidied after the real switch.
        self.staged.remove(folder)
        if old is not None:
            _remove(self.out / old)
        for name in plain:
            self._make_link(name)

    def _needs_migration(self, name: str) -> bool:
        visible = self.out / name
        return os.path.lexists(visible) and not self._is_our_link(name)

    def _is_our_link(self, name: str) -> bool:
        try:
            return os.readlink(self.out / name) == f"{CURRENT}/{name}"
        except OSError:
            return False

    def _make_link(self, name: str) -> None:
        if self._is_our_link(name):
            return
        self._replace_with_symlink(self.out / name, f"{CURRENT}/{name}")

    def _point_current_at(self, folder_name: str) -> None:
        self._replace_with_symlink(self.out / CURRENT, folder_name)
        _fsync_dir(self.out)

    def _replace_with_symlink(self, path: Path, target: str) -> None:
        tmp = self.out / f"{PREFIX}tmp-{secrets.token_hex(6)}"
        try:
            os.symlink(target, tmp)
            self.staged.append(tmp)
            os.replace(tmp, path)
            self.staged.remove(tmp)
        except OSError as exc:
            raise _error(exc, f"cannot write {path}", path) from None

    def _remove_links_not_in(self, names: set[str]) -> None:
        for entry in os.scandir(self.out):
            if entry.name in names or entry.name.startswith("."):
                continue
            try:
                if os.readlink(entry.path) == f"{CURRENT}/{entry.name}":
                    os.unlink(entry.path)
            except OSError:
                pass


# --- helpers -------------------------------------------------------------------------------------

#: Chunks of an iterable content are gathered up to this size before a write.
CHUNK = 1 << 20


def _chunks(content) -> Iterable[bytes]:
    if isinstance(content, bytes):
        yield content
        return
    pending: list[bytes] = []
    size = 0
    for piece in content:
        piece = piece.encode("utf-8") if isinstance(piece, str) else bytes(piece)
        pending.append(piece)
        size += len(piece)
        if size >= CHUNK:
            yield b"".join(pending)
            pending, size = [], 0
    if pending:
        yield b"".join(pending)


#: A big file's pages are handed back (`_release_written`) each time this much more of it has been written.
RELEASE_EVERY = 16 << 20


def _release_written(fd: int) -> None:
    """Start putting on disk what has been written to `fd` so far, and drop from the page cache what already is.

    A 30,000-place round writes about 800 MB of reports, which would otherwise sit in as many fresh page-cache
    pages until the syncfs at the end. Fresh pages are not free everywhere: on a virtual machine that hands freed
    memory back to its host (virtio-balloon free page reporting, as on this project's machines) the first touch
    of each page costs a fault on the host. A 30,000-place round started a few seconds after the previous one's
    output was deleted spent 5.5-7.2 s of system CPU (three runs), 0.9-1.2 s with the written pages dropped as
    they reach the disk, the next writes reusing them. posix_fadvise(DONTNEED) starts the writeback of dirty
    pages and drops only clean ones: the bytes written and the syncfs at the end are unchanged. Best effort:
    nothing where there is no posix_fadvise or it fails."""
    if hasattr(os, "posix_fadvise"):
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
        except OSError:
            pass


def _is_data_name(name: str) -> bool:
    return name.startswith(PREFIX) and "/" not in name and name != CURRENT and not name.startswith(PREFIX + "tmp-")


def _error(exc: OSError, what: str, path: Path) -> OSError:
    """An OSError whose text says what could not be done and why, keeping errno (and so the subclass)."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason += " (is the folder read-only?)"
    elif exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        reason += " (is the disk full?)"
    elif exc.errno == errno.ENOTDIR:
        reason += " (a file is where a folder should be)"
    return OSError(exc.errno, f"{what}: {reason}", str(path))


def _remove(path: Path) -> None:
    """Remove a file, symlink or folder tree; never follows a symlink; best effort."""
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return
    try:
        if stat.S_ISDIR(mode):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.unlink(path)
    except OSError:
        pass


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        if os.path.islink(src):
            raise OSError(errno.EPERM, "copy the target, not the link")
        os.link(src, dst)
    except OSError:
        shutil.copyfile(src, dst)
        fd = os.open(dst, os.O_RDONLY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_SYNCFS: list = []  # syncfs(2) from the C library, once looked up (None where there is none)


def _syncfs(folder: Path) -> bool:
    """Flush the file system that holds `folder` (Linux syncfs(2)): every file written there is on disk when it
    returns True. One call instead of an fsync a file: a set of 330 place files took 0.2-1.2 s to fsync one by
    one, 0.01-0.1 s to flush at once. False (nothing done) where there is no syncfs or it failed: fsync each."""
    if not _SYNCFS:
        try:
            import ctypes
            found = ctypes.CDLL(None, use_errno=True).syncfs
            found.argtypes = [ctypes.c_int]
            _SYNCFS.append(found)
        except (OSError, AttributeError, ImportError):
            _SYNCFS.append(None)
    syncfs = _SYNCFS[0]
    if syncfs is None:
        return False
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        return syncfs(fd) == 0
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a folder
        pass
    finally:
        os.close(fd)
