"""atomic.write_set: readers see the whole old set or the whole new set, even when the writer is killed.

Each set written here carries one token (a generation number) at the start of all four files, so
a torn set shows up as two tokens among the visible files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import random
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from negotiator.atomic import CURRENT, KIND, LOCK, PREFIX, RefusedFolder, write_set

NAMES = ("round.json", "round.md", "round.csv", "round.html")


def a_set(token, size: int = 0) -> dict[str, str]:
    return {name: f"{token} {name}\n" + "x" * size for name in NAMES}


def tokens(out: Path) -> set[str]:
    """The token each visible file starts with ('missing' for a name that is not there)."""
    found = set()
    for name in NAMES:
        try:
            found.add((out / name).read_text().split()[0])
        except FileNotFoundError:
            found.add("missing")
    return found


def hidden(out: Path) -> set[str]:
    return {p.name for p in out.iterdir() if p.name.startswith(".")}


def assert_tidy(out: Path) -> None:
    """Nothing hidden but the lock, the current link and the one folder it points at."""
    target = os.readlink(out / CURRENT)
    assert hidden(out) == {LOCK, CURRENT, target}
    assert sorted(os.listdir(out / target)) == sorted([*NAMES, KIND])


CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from negotiator.atomic import write_set

    NAMES = ("round.json", "round.md", "round.csv", "round.html")
    out, mode, token, size = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])

    def files(token):
        return {name: f"{token} {name}\\n" + "x" * size for name in NAMES}

    if mode == "loop":  # tokens TAG0, TAG1, ... until killed
        tag, gen = token.rstrip("0123456789"), int(token.lstrip("abcdefghijklmnopqrstuvwxyz") or 0)
        write_set(out, files(f"{tag}{gen}"))
        print("ready", flush=True)
        while True:
            gen += 1
            write_set(out, files(f"{tag}{gen}"))
    elif mode == "once":
        write_set(out, files(token))
        print("written", flush=True)
    elif mode == "noted-sigterm":  # SIGTERM goes to a handler that only notes it
        signal.signal(signal.SIGTERM, lambda *a: print("noted", flush=True))
        try:
            write_set(out, files(token))
            print("written", flush=True)
        except InterruptedError as exc:
            print(f"interrupted: {exc}", flush=True)
        print("handler back:", signal.getsignal(signal.SIGTERM).__name__, flush=True)
    elif mode == "small-disk":  # a file may not grow past 10 kB: writing fails like a full disk
        import resource
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))
        try:
            write_set(out, files(token))
        except OSError as exc:
            print(f"OSError {exc.errno}: {exc}", flush=True)
            sys.exit(1)
""")


@pytest.fixture()
def child(tmp_path_factory):
    script = tmp_path_factory.mktemp("child") / "child.py"  # not in tmp_path: the sets are written there
    script.write_text(CHILD)

    def command(out: Path, mode: str, token: str, size: int = 0, prefix: tuple = ()) -> list[str]:
        return [*prefix, sys.executable, str(script), str(out), mode, token, str(size)]
    return command


# No .pyc writes in children: they rename files, which would shift the renames strace counts.
ENV = os.environ | {"PYTHONDONTWRITEBYTECODE": "1"}


# --- the set ------------------------------------------------------------------------------------

def test_a_set_is_written_and_read_back(tmp_path):
    out = tmp_path / "out"
    written = write_set(out, {"round.json": '{"a": "é"}\n', "round.md": b"# bytes\r\n"})
    assert written == [out / "round.json", out / "round.md"]
    assert (out / "round.json").read_text(encoding="utf-8") == '{"a": "é"}\n'
    assert (out / "round.md").read_bytes() == b"# bytes\r\n"
    assert os.readlink(out / "round.json") == f"{CURRENT}/round.json", "a relative link through the current link"
    assert stat.S_IMODE((out / "round.json").stat().st_mode) & 0o444 == 0o444, "readable by everyone, as before"


def test_a_big_file_whose_pages_are_handed_back_as_it_is_written_reads_back_whole(tmp_path, monkeypatch):
    """Past every RELEASE_EVERY bytes the writer asks the kernel to drop what is already on disk from the page
    cache (posix_fadvise): the file reads back byte for byte, from pieces of any size."""
    from negotiator import atomic
    released: list[int] = []
    real = atomic._release_written

    def release(fd):
        released.append(os.lseek(fd, 0, os.SEEK_CUR))
        real(fd)

    monkeypatch.setattr(atomic, "CHUNK", 500)  # pieces gathered into writes of about this size
    monkeypatch.setattr(atomic, "RELEASE_EVERY", 1000)
    monkeypatch.setattr(atomic, "_release_written", release)
    pieces = [f"{i} ".encode() * random.Random(i).randint(1, 700) for i in range(400)]
    out = tmp_path / "out"
    write_set(out, {"round.json": iter(pieces), "round.md": "small\n"})
    assert (out / "round.json").read_bytes() == b"".join(pieces)
    assert (out / "round.md").read_text() == "small\n"
    assert len(released) > 10 and released == sorted(released), "handed back as the big file grew, not the small"


def test_rewriting_replaces_every_file_and_drops_names_no_longer_in_the_set(tmp_path):
    write_set(tmp_path, a_set(1) | {"extra.txt": "1 extra"})
    first = os.readlink(tmp_path / CURRENT)
    write_set(tmp_path, a_set(2))
    assert tokens(tmp_path) == {"2"}
    assert not os.path.lexists(tmp_path / "extra.txt"), "a name of the old set only goes with it"
    assert not (tmp_path / first).exists(), "the old data folder is removed"
    assert_tidy(tmp_path)


@pytest.mark.parametrize("make", ["file", "folder", "link", "plain-name-of-another-set"])
def test_a_folder_holding_anything_it_did_not_write_is_refused_and_left_alone(tmp_path, make):
    write_set(tmp_path, a_set(1))
    before = hidden(tmp_path)
    if make == "file":
        (tmp_path / "notes.txt").write_text("mine")
    elif make == "folder":
        (tmp_path / "places").mkdir()
    elif make == "link":
        (tmp_path / "round.json").unlink()
        (tmp_path / "round.json").symlink_to("/etc/hostname")
    else:
        (tmp_path / "kent.yaml").write_text("mine")
    with pytest.raises(RefusedFolder, match="did not write there"):
        write_set(tmp_path, a_set(2))
    assert hidden(tmp_path) == before, "nothing was changed"


def test_a_set_of_another_kind_is_never_replaced(tmp_path):
    write_set(tmp_path, {"kent.yaml": "1", "essex.yaml": "1"}, kind="england")
    with pytest.raises(RefusedFolder, match="the set negotiator england wrote .*essex.yaml, kent.yaml"):
        write_set(tmp_path, a_set(2), kind="round")
    assert (tmp_path / "kent.yaml").read_text() == "1"
    write_set(tmp_path, {"kent.yaml": "2"}, kind="england")
    assert (tmp_path / "kent.yaml").read_text() == "2" and not os.path.lexists(tmp_path / "essex.yaml")


def test_an_input_inside_the_folder_is_refused(tmp_path):
    (tmp_path / "places").mkdir()
    with pytest.raises(RefusedFolder, match="is an input of this command"):
        write_set(tmp_path / "places", a_set(1), inputs=[tmp_path / "places"])
    with pytest.raises(RefusedFolder, match="holds .*config.yaml, an input"):
        write_set(tmp_path, a_set(1), inputs=["", tmp_path / "config.yaml"])
    assert not list((tmp_path / "places").iterdir())


def test_plain_files_of_older_versions_become_links(tmp_path):
    for name in NAMES:
        (tmp_path / name).write_text(f"0 {name}\n")
    write_set(tmp_path, a_set(1))
    assert tokens(tmp_path) == {"1"}
    for name in NAMES:
        assert (tmp_path / name).is_symlink()
    assert_tidy(tmp_path)


def test_staging_left_by_killed_runs_is_removed_by_the_next_write(tmp_path):
    write_set(tmp_path, a_set(1))
    killed = tmp_path / f"{PREFIX}20200101T000000.000000Z-deadbeef"  # a data folder never switched to
    killed.mkdir()
    (killed / "round.json").write_text("x" * 1000)
    (tmp_path / f"{PREFIX}tmp-0123456789ab").symlink_to(killed.name)  # a temporary link
    old_style = tmp_path / f"{PREFIX}k3j4h5g6"  # what write_reports used to leave
    old_style.mkdir()
    (old_style / "round.html").write_text("old")
    write_set(tmp_path, a_set(2))
    assert tokens(tmp_path) == {"2"}
    assert_tidy(tmp_path)


@pytest.mark.parametrize("name", ["", ".hidden", "..", "a/b", "/etc/passwd", "nul\0"])
def test_only_plain_file_names_are_allowed(tmp_path, name):
    with pytest.raises(ValueError, match="not a plain file name"):
        write_set(tmp_path, {name: "x"})
    assert not list(tmp_path.iterdir())


def test_the_sigterm_handler_is_put_back(tmp_path):
    def mine(signum, frame):
        pass
    before = signal.signal(signal.SIGTERM, mine)
    try:
        write_set(tmp_path, a_set(1))
        assert signal.getsignal(signal.SIGTERM) is mine
    finally:
        signal.signal(signal.SIGTERM, before)


# --- errors ---------------------------------------------------------------------------------------

@contextlib.contextmanager
def read_only(folder: Path):
    """Make `folder` read-only even for root (chattr +i), or skip."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    if not shutil.which("chattr") or subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode:
        pytest.skip("running as root and cannot make a folder immutable here")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_a_read_only_folder_is_an_oserror_and_the_old_set_stays(tmp_path):
    write_set(tmp_path, a_set(1))
    before = hidden(tmp_path)
    with read_only(tmp_path):
        with pytest.raises(OSError, match="cannot write into .*read-only") as info:
            write_set(tmp_path, a_set(2))
        assert info.value.errno in (errno.EACCES, errno.EPERM, errno.EROFS)
    assert tokens(tmp_path) == {"1"}
    assert hidden(tmp_path) == before


def test_a_full_disk_is_an_oserror_and_leaves_no_staging(tmp_path, child):
    write_set(tmp_path, a_set(1))
    args = child(tmp_path, "small-disk", "2", size=50_000)
    run = subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=60)
    assert run.returncode == 1, run.stderr
    assert f"OSError {errno.EFBIG}: [Errno {errno.EFBIG}] cannot write {tmp_path}/round.json" in run.stdout
    assert "disk full" in run.stdout
    assert tokens(tmp_path) == {"1"}
    assert_tidy(tmp_path)


def test_a_file_where_the_folder_should_be_is_an_oserror(tmp_path):
    (tmp_path / "out").write_text("a file")
    with pytest.raises(OSError, match="a file is there, not a folder"):
        write_set(tmp_path / "out", a_set(1))
    with pytest.raises(OSError) as info:
        write_set(tmp_path / "out" / "deeper", a_set(1))
    assert info.value.errno == errno.ENOTDIR
    assert (tmp_path / "out").read_text() == "a file"


def test_a_folder_in_the_way_of_a_name_is_an_oserror_before_anything_changes(tmp_path):
    write_set(tmp_path, a_set(1))
    (tmp_path / "other.txt").mkdir()
    with pytest.raises(OSError, match="other.txt/, which negotiator files did not write"):
        write_set(tmp_path, a_set(2) | {"other.txt": "2"})
    assert tokens(tmp_path) == {"1"}
    assert_tidy(tmp_path)


# --- killed writers ---------------------------------------------------------------------------------

def start_loop(child, out: Path, token: str, size: int) -> subprocess.Popen:
    args = child(out, "loop", token, size)
    proc = subprocess.Popen(args, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "ready\n", proc.stderr.read()
    return proc


def kill_trials(child, out: Path, sig: int, trials: int, seed: int) -> dict:
    """Start a writer looping over generations, kill it after a random delay, check the set; repeat."""
    rng = random.Random(seed)
    stats = {"trials": 0, "kills_that_left_staging": 0, "sets_written": 0}
    previous = -1
    for trial in range(trials):
        proc = start_loop(child, out, f"g{(previous + 1)}", size=rng.choice([0, 20_000, 200_000]))
        time.sleep(rng.uniform(0, 0.05))
        proc.send_signal(sig)
        proc.wait(timeout=30)
        stderr = proc.stderr.read()
        proc.stdout.close()
        proc.stderr.close()
        assert proc.returncode == -sig, (trial, proc.returncode, stderr)
        seen = tokens(out)
        assert len(seen) == 1, f"trial {trial}: a torn set {seen}"
        gen = int(seen.pop().removeprefix("g"))
        assert gen >= previous + 1, f"trial {trial}: went back from {previous} to {gen}"
        stats["sets_written"] += gen - previous
        previous = gen
        stats["trials"] += 1
        leftovers = hidden(out) - {LOCK, CURRENT, os.readlink(out / CURRENT)}
        if sig == signal.SIGTERM:
            assert not leftovers, f"trial {trial}: SIGTERM left staging behind: {leftovers}"
        stats["kills_that_left_staging"] += bool(leftovers)
    print(f"\n{signal.Signals(sig).name}: {stats}")
    return stats


def test_a_writer_killed_at_random_moments_never_leaves_a_torn_set(tmp_path, child):
    stats = kill_trials(child, tmp_path, signal.SIGKILL, trials=25, seed=20110301)
    assert stats["trials"] == 25
    write_set(tmp_path, a_set("final"))
    assert tokens(tmp_path) == {"final"}
    assert_tidy(tmp_path)


def test_a_writer_stopped_by_sigterm_cleans_up_its_staging(tmp_path, child):
    stats = kill_trials(child, tmp_path, signal.SIGTERM, trials=20, seed=143)
    assert stats["kills_that_left_staging"] == 0
    assert_tidy(tmp_path)


def test_concurrent_writers_into_one_folder_take_turns(tmp_path, child):
    procs = [start_loop(child, tmp_path, tag, size=20_000) for tag in ("a0", "b0", "c0")]
    deadline = time.monotonic() + 1.5
    torn = []
    while time.monotonic() < deadline:  # a reader resolving the current folder once sees one set
        try:
            folder = tmp_path / os.readlink(tmp_path / CURRENT)
            seen = {(folder / name).read_text().split()[0] for name in NAMES}
        except FileNotFoundError:  # the folder was switched away and removed while being read
            continue
        if len(seen) != 1:
            torn.append(seen)
    for proc in procs:
        proc.kill()
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    assert not torn
    assert len(tokens(tmp_path)) == 1
    write_set(tmp_path, a_set("final"))
    assert_tidy(tmp_path)


# --- SIGKILL or SIGTERM at a chosen system call, with strace ----------------------------------------

@pytest.fixture
def strace_installed():
    """Skips where strace is not installed, but fails under CI, whose test command installs it."""
    if not shutil.which("strace"):
        if os.environ.get("CI"):
            pytest.fail("strace must be installed by scripts/setup-and-test.sh under CI")
        pytest.skip("strace is not installed")


needs_strace = pytest.mark.usefixtures("strace_installed")
RENAMES = "rename,renameat,renameat2"


def prepare(out: Path, start: str) -> str:
    """A folder as an earlier run left it; returns the token its set carries."""
    out.mkdir()
    if start == "empty":
        return "missing"
    if start == "plain files":  # as versions before write_set wrote them
        for name in NAMES:
            (out / name).write_text(f"0 {name}\n")
    else:
        write_set(out, a_set(0))
    return "0"


@needs_strace
@pytest.mark.parametrize("start", ["empty", "plain files", "links"])
def test_sigkill_at_any_rename_leaves_the_old_set_or_the_new_one(tmp_path, child, start):
    outcomes = {}
    for when in range(1, 8):
        out = tmp_path / f"when{when}"
        old = prepare(out, start)
        args = child(out, "once", "1", prefix=("strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={RENAMES}",
                                                   "-e", f"inject={RENAMES}:signal=KILL:when={when}"))
        subprocess.run(args, env=ENV, capture_output=True, timeout=60)
        seen = tokens(out)
        assert seen in ({old}, {"1"}), f"killed at rename {when}: a torn set {seen}"
        outcomes[when] = seen.pop()
        write_set(out, a_set(2))
        assert tokens(out) == {"2"}
        assert_tidy(out)
    assert outcomes[1] == old, "the first rename was killed, so nothing changed"
    assert outcomes[7] == "1", "no write needs seven renames"


@needs_strace
def test_sigterm_before_the_switch_abandons_the_write(tmp_path, child):
    out = tmp_path / "out"
    prepare(out, "links")
    args = child(out, "once", "1", prefix=("strace", "-f", "-qq", "-o", os.devnull, "-e", "trace=fsync",
                                                   "-e", "inject=fsync:signal=TERM:when=1"))
    run = subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=60)
    assert run.returncode == 128 + signal.SIGTERM or run.returncode == -signal.SIGTERM, run
    assert "written" not in run.stdout
    assert tokens(out) == {"0"}
    assert_tidy(out)


@needs_strace
def test_sigterm_at_the_switch_finishes_the_write_then_ends(tmp_path, child):
    out = tmp_path / "out"
    prepare(out, "links")
    args = child(out, "once", "1", prefix=("strace", "-f", "-qq", "-o", os.devnull, "-e", f"trace={RENAMES}",
                                                   "-e", f"inject={RENAMES}:signal=TERM:when=1"))
    run = subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=60)
    assert run.returncode in (128 + signal.SIGTERM, -signal.SIGTERM), run
    assert "written" not in run.stdout, "the process ends of the signal"
    assert tokens(out) == {"1"}
    assert_tidy(out)


@needs_strace
def test_sigterm_to_a_handler_that_returns_abandons_the_write_with_an_error(tmp_path, child):
    out = tmp_path / "out"
    prepare(out, "links")
    args = child(out, "noted-sigterm", "1",
                    prefix=("strace", "-f", "-qq", "-o", os.devnull, "-e", "trace=fsync",
                            "-e", "inject=fsync:signal=TERM:when=1"))
    run = subprocess.run(args, env=ENV, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run
    assert run.stdout.splitlines() == ["noted", "interrupted: [Errno 4] writing was interrupted by SIGTERM; the "
                                       "previous files are kept", "handler back: <lambda>"]
    assert tokens(out) == {"0"}
    assert_tidy(out)


@pytest.mark.parametrize("syncfs", [True, False])
def test_every_file_is_on_disk_before_the_switch(tmp_path, monkeypatch, syncfs):
    """The files of a set reach the disk before anything points at them: one flush of the file system where
    syncfs(2) is there (Linux), else an fsync of each file; then the set reads whole."""
    from negotiator import atomic
    if not os.path.isdir("/proc/self/fd"):
        pytest.skip("names the files fsynced through /proc (Linux)")
    calls: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd):
        calls.append("fsync " + os.path.basename(os.readlink(f"/proc/self/fd/{fd}")))
        return real_fsync(fd)

    def replace(src, dst, *args, **kwargs):
        calls.append("replace " + os.path.basename(dst))
        return real_replace(src, dst, *args, **kwargs)

    if not syncfs:
        monkeypatch.setattr(atomic, "_SYNCFS", [None])
    elif not atomic._syncfs(tmp_path):
        pytest.skip("no syncfs(2) here")
    monkeypatch.setattr(atomic.os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    out = tmp_path / "out"
    write_set(out, a_set(1))
    assert tokens(out) == {"1"}
    switch = calls.index("replace " + CURRENT)
    synced = {c.split(" ", 1)[1] for c in calls[:switch] if c.startswith("fsync ")}
    if not syncfs:
        assert {*NAMES, KIND} <= synced
    assert os.readlink(out / CURRENT) in synced, "the data folder itself too"
