"""The cache of built packs (negotiator/cache.py): a cached pack is the pack a fresh build gives."""

from __future__ import annotations

import pickle
import shutil

from helpers import PACK, ROOT
from negotiator import cache, compiled
from negotiator.pack import load


def _fresh(monkeypatch, folder):
    monkeypatch.setenv("NEGOTIATOR_CACHE", str(folder))
    compiled.clear()


def test_a_cached_pack_is_the_built_one_and_a_changed_file_is_a_new_entry(tmp_path, monkeypatch):
    copy = tmp_path / "rules"
    shutil.copytree(PACK, copy / "route-map-2010")
    shutil.copytree(ROOT / "rules" / "common", copy / "common")
    _fresh(monkeypatch, tmp_path / "cache")
    built = load.load_pack(copy / "route-map-2010")
    entries = list((tmp_path / "cache").glob("pack-*.pickle"))
    assert len(entries) == 1
    compiled.clear()
    again = load.load_pack(copy / "route-map-2010")
    assert again is not built and again == built and again.hash == built.hash
    rules = copy / "route-map-2010" / "parameters.yaml"
    rules.write_text(rules.read_text().replace("value: 500000", "value: 400000", 1))
    compiled.clear()
    changed = load.load_pack(copy / "route-map-2010")
    assert changed.hash != built.hash and len(list((tmp_path / "cache").glob("pack-*.pickle"))) == 2
    assert load.load_pack(copy / "route-map-2010", {"grouping_min_population": 1}).hash != changed.hash


def test_a_damaged_entry_is_rebuilt_and_the_cache_can_be_off(tmp_path, monkeypatch):
    _fresh(monkeypatch, tmp_path / "cache")
    built = load.load_pack(PACK)
    [entry] = (tmp_path / "cache").glob("pack-*.pickle")
    entry.write_bytes(b"not a pickle")
    compiled.clear()
    assert load.load_pack(PACK) == built
    assert pickle.loads(entry.read_bytes()) == built, "the damaged entry is replaced"
    entry.write_bytes(pickle.dumps({"not": "a pack"}))
    compiled.clear()
    assert load.load_pack(PACK) == built
    _fresh(monkeypatch, "off")
    assert cache.folder() is None
    assert load.load_pack(PACK) == built


class _Planted:
    """A pickle that, when loaded, writes a file: what an attacker would plant in a shared cache folder."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def _plant(folder, marker):
    """A planted entry under the name every pack entry of `folder` has (so the next load would read it)."""
    for entry in folder.glob("pack-*.pickle"):
        entry.write_bytes(pickle.dumps(_Planted(marker)))


def test_a_cache_folder_others_can_write_is_never_loaded_from(tmp_path, monkeypatch, capsys):
    folder = tmp_path / "cache"
    _fresh(monkeypatch, folder)
    built = load.load_pack(PACK)
    marker = tmp_path / "ran"
    _plant(folder, marker)
    folder.chmod(0o777)
    cache._WARNED.clear()
    compiled.clear()
    assert load.load_pack(PACK) == built
    assert not marker.exists(), "the planted entry was not loaded"
    err = capsys.readouterr().err
    assert err.count("Warning: not using the cache folder") == 1 and "others can write it (mode 0777)" in err


def test_an_entry_that_others_can_write_or_own_is_never_loaded(tmp_path, monkeypatch):
    import os
    folder = tmp_path / "cache"
    _fresh(monkeypatch, folder)
    built = load.load_pack(PACK)
    marker = tmp_path / "ran"
    _plant(folder, marker)
    [entry] = folder.glob("pack-*.pickle")
    entry.chmod(0o666)
    compiled.clear()
    assert load.load_pack(PACK) == built and not marker.exists()
    if os.geteuid() == 0:  # an entry someone else owns (only root can give a file away)
        _plant(folder, marker)
        os.chown(entry, 65534, 65534)
        entry.chmod(0o644)
        compiled.clear()
        assert load.load_pack(PACK) == built and not marker.exists()


def test_report_templates_are_compiled_once_and_an_entry_others_can_write_is_never_loaded(tmp_path, monkeypatch):
    """The compiled report templates are kept in the cache folder (private entries) and give the same text
    when loaded; an entry anyone else can write is ignored, as a pickled pack is."""
    from jinja2 import DictLoader, Environment
    from jinja2.bccache import Bucket

    monkeypatch.setenv("NEGOTIATOR_CACHE", str(tmp_path / "cache"))
    source = {"t.j2": "{% for x in xs %}{{ x }};{% endfor %}"}
    first = Environment(loader=DictLoader(source), bytecode_cache=cache.template_cache())
    assert first.get_template("t.j2").render(xs=[1, 2]) == "1;2;"
    [entry] = (tmp_path / "cache").glob("template-*.jinja")
    assert entry.stat().st_mode & 0o777 == 0o600
    again = Environment(loader=DictLoader(source), bytecode_cache=cache.template_cache())
    assert again.get_template("t.j2").render(xs=[3]) == "3;"

    def loaded() -> bool:
        compiled = cache.template_cache()
        bucket = Bucket(again, compiled.get_cache_key("t.j2"), compiled.get_source_checksum(source["t.j2"]))
        compiled.load_bytecode(bucket)
        return bucket.code is not None

    assert loaded()
    entry.chmod(0o666)
    assert not loaded()


def test_a_place_read_alone_is_parsed_once_and_a_changed_or_broken_file_is_read_afresh(tmp_path, monkeypatch):
    """`load_place` keeps a profile's parsed YAML (so a one-place command needs no parser): what it gives from the
    cache is what parsing gives; a changed file is parsed again; a file with a problem is reported every time
    and never kept."""
    from negotiator.errors import InputError
    from negotiator.vocab.places import load_place
    from negotiator.yamlio import load_yaml

    _fresh(monkeypatch, tmp_path / "cache")
    pack = load.load_pack(PACK)
    place = tmp_path / "kent.yaml"
    shutil.copy(ROOT / "places" / "kent.yaml", place)
    def entries() -> set:
        return set((tmp_path / "cache").glob("yaml-*.pickle"))

    before = entries()
    first = load_place(place, pack)
    [entry] = entries() - before
    again = load_place(place, pack)
    assert again.doc == first.doc == load_yaml(place, first.doc.file) and again.profile == first.profile
    assert pickle.loads(entry.read_bytes()) == first.doc
    place.write_text(place.read_text().replace("name: Kent", "name: Kent (renamed)", 1))
    assert load_place(place, pack).profile.name == "Kent (renamed)"
    assert len(entries() - before) == 2
    place.write_text("id: kent\nname: [unclosed\n")
    for _ in range(2):
        try:
            load_place(place, pack)
        except InputError as exc:
            assert [p.code for p in exc.problems] == ["yaml"] and exc.problems[0].file.endswith("kent.yaml")
        else:
            raise AssertionError("a malformed profile was read")
    assert len(entries() - before) == 2


def test_each_kind_of_entry_keeps_its_own_newest(tmp_path, monkeypatch):
    """At most MAX_ENTRIES of each kind are kept: many profiles read one at a time never push out a pack."""
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    _fresh(monkeypatch, tmp_path / "cache")
    for i in range(5):
        cache.cached("pack", (i,), lambda i=i: i, lambda found: True)
    for i in range(7):
        cache.cached("yaml", (i,), lambda i=i: i, lambda found: True)
    folder = tmp_path / "cache"
    assert len(list(folder.glob("pack-*.pickle"))) == 3 and len(list(folder.glob("yaml-*.pickle"))) == 3
    assert cache.cached("pack", (4,), lambda: "built again", lambda found: True) == 4
