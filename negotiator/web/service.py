"""What the web API does, without the web: typed requests in, the CLI's typed results out.

Every answer is made by the same library calls as the command line (`decide`, `explain_power`, `whatif`,
`unlock`, `place_change`, `run_round`, `to_html`, `place_schema`), so the API and `negotiator ... --json`
agree. Bad input raises `InputError` with located problems, as on the command line. Work is bounded:
places come only from the places folder the server was started with (or whole profiles in a request),
rounds only over that folder with the round configs of its workspace, packs only among those it offers,
and unlock answers are capped. The engines are not made for threads, so one lock serialises the work.
"""

from __future__ import annotations

import copy
import threading
from datetime import date
from pathlib import Path
from typing import Any

from .. import workspace
from ..errors import InputError, Problem, nearest
from ..pack.ir import Pack
from ..pack.load import load_pack
from ..results import PlaceChange, Round
from ..vocab.profile import SLUG, Profile, parse_profile
from ..yamlio import Located
from .answers import (  # noqa: F401 - the API's answers, re-exported for app.py
    Choice, Council, FormFact, PackInfo, PlaceDetail, PlaceSummary, RoundConfigInfo, SavedProfile, Vocabulary,
)
from .requests import (  # noqa: F401 - the API's requests, re-exported for app.py
    DEFAULT_SOURCE, MAX_ANSWERS, MAX_BODY, MAX_NESTING, DiffRequest, ExplainRequest, PlaceRequest, RoundRequest,
    SaveRequest, UnlockRequest,
)
from .saving import _comment, _Dumper, _plain, _put


class NotFound(InputError):
    """Input naming something the server does not have (HTTP 404)."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value


class Service:
    """The packs, places and round configs a server offers, and the work it does on them."""

    def __init__(self, packs: list[str | Path] | None = None, places_dir: str | Path | None = None,
                 rounds_dir: str | Path | None = None):
        ws = workspace.current()
        self.places_dir = Path(places_dir) if places_dir else ws.places
        if not self.places_dir.is_dir():
            raise InputError([Problem(str(places_dir or ws.places), "no such folder of place profiles", code="not_found")])
        self.rounds_dir = Path(rounds_dir) if rounds_dir else ws.rounds
        self.lock = threading.RLock()
        self._rounds: dict[tuple, Round] = {}
        roots: list[str] = []
        if packs:
            problems: list[Problem] = []
            for ref in packs:
                try:
                    roots.append(load_pack(ref).folder)
                except InputError as exc:
                    problems += exc.problems
            if problems:
                raise InputError(problems)
        else:
            roots.append(load_pack(None).folder)
            for name in ws.packs():
                try:
                    roots.append(load_pack(ws.rules / name).folder)
                except InputError:
                    continue  # a broken pack in the workspace is not offered; naming it with --rules says why
        self.pack_roots: dict[str, str] = {}
        self._rulebooks: dict[tuple[str, str], dict[str, str]] = {}
        for root in roots:
            self.pack_roots.setdefault(load_pack(root).id, root)

    # --- what there is ---------------------------------------------------------------------------------
    def pack(self, pack_id: str | None) -> Pack:
        if pack_id is None:
            return load_pack(next(iter(self.pack_roots.values())))
        if pack_id not in self.pack_roots:
            raise NotFound([Problem("pack", f"'{pack_id}' is not a rule pack this server offers (packs: "
                                            f"{', '.join(self.pack_roots)})",
                                    suggestion=nearest(pack_id, self.pack_roots))])
        return load_pack(self.pack_roots[pack_id])

    def rulebook_page(self, pack_id: str, page: str) -> str:
        """A page of the pack's rulebook (`negotiator doc`), built once per version of the pack."""
        from ..doc import inputs
        from ..doc.book import build_book
        from ..doc.render import MD_NAME, html_pages, markdown
        pack = self.pack(pack_id)
        key = (pack.id, pack.hash)
        with self.lock:
            if key not in self._rulebooks:
                book = build_book(pack, inputs.description(pack), inputs.cases(pack), inputs.pairings(pack))
                self._rulebooks[key] = html_pages(book) | {MD_NAME: markdown(book)}
            pages = self._rulebooks[key]
        if page not in pages:
            raise NotFound([Problem("page", f"the rulebook has no page '{page}'", suggestion=nearest(page, pages))])
        return pages[page]

    def packs(self) -> list[PackInfo]:
        out = []
        with self.lock:
            for i, root in enumerate(self.pack_roots.values()):
                p = load_pack(root)
                out.append(PackInfo(id=p.id, title=p.title, version=p.version, effective=p.effective, default=i == 0))
        return out

    def _place_files(self) -> dict[str, Path]:
        files = sorted(list(self.places_dir.glob("*.yaml")) + list(self.places_dir.glob("*.yml")))
        return {f.stem: f for f in files if f.is_file()}

    def place_path(self, place_id: str) -> Path:
        files = self._place_files()
        if place_id not in files:
            raise NotFound([Problem("place", f"no place with id '{place_id}' in {workspace.display(self.places_dir)}/",
                                    suggestion=nearest(place_id, files), code="not_found")])
        return files[place_id]

    def footprints(self, refs: list[str], as_of: date | None, pack_id: str | None):
        """`negotiator footprints --check --json`: places of the server's folder (by id) and councils (codes or
        names, together one footprint); never a path."""
        from ..footprints.command import DEFAULT_PACK, run
        if not refs:
            raise InputError([Problem("check", "name places or councils, e.g. ?check=greater-essex")])
        files = self._place_files()
        named = []
        for ref in refs:
            if ref in files:
                named.append(str(files[ref]))
            elif "/" in ref or "\\" in ref or ref.endswith((".yaml", ".yml")):
                raise InputError([Problem("check", f"'{ref}' is not a place id or a council")])
            else:
                named.append(ref)
        pack = pack_id or (DEFAULT_PACK if DEFAULT_PACK in self.pack_roots else None)
        with self.lock:
            data, _render = run("check", named, self.pack(pack).folder, as_of, None, None, 10, 1.0)
        return data

    def places(self, pack_id: str | None = None) -> list[PlaceSummary]:
        from ..vocab.places import load_place
        with self.lock:
            pack = self.pack(pack_id)
            out = []
            for stem, path in self._place_files().items():
                try:
                    lp = load_place(path, pack)
                    out.append(PlaceSummary(id=lp.id, name=lp.profile.name, file=lp.doc.file))
                except InputError as exc:
                    out.append(PlaceSummary(id=stem, name=stem, file=workspace.display(path),
                                            errors=[str(p) for p in exc.problems]))
            return sorted(out, key=lambda p: p.name.lower())

    def place(self, place_id: str, pack_id: str | None = None) -> PlaceDetail:
        from ..vocab.places import load_place
        with self.lock:
            lp = load_place(self.place_path(place_id), self.pack(pack_id))
            return PlaceDetail(id=lp.id, name=lp.profile.name, file=lp.doc.file, members=list(lp.profile.members),
                               profile=_jsonable(lp.doc.data))

    def councils(self, as_of: date | None = None, pack_id: str | None = None) -> list[Council]:
        """The member councils of the register existing on `as_of` (default: the pack's date of effect)."""
        from ..vocab.councils import register
        on = as_of or self.pack(pack_id).effective
        return [Council(code=c.code, name=c.name, county=c.county_name, kind=c.kind, start=c.start, end=c.end)
                for c in sorted(register().councils_on(on, tier="lower"), key=lambda c: (c.name, c.code))]

    def vocabulary(self, pack_id: str | None = None) -> Vocabulary:
        from ..decide.catalogue import pack_ref
        with self.lock:
            pack = self.pack(pack_id)
        titles = {p.id: p.title for p in pack.powers}
        facts = []
        for name, d in pack.vocabulary.facts.items():
            if d.computed:
                continue
            if d.type == "list" and d.of == "power":
                values = [Choice(value=v, title=titles.get(v, v)) for v in d.values]
            else:
                values = [Choice(value=v, title=d.title_of(v)) for v in d.values]
            facts.append(FormFact(name=name, group=name.split(".")[0], title=d.title or name,
                                  description=d.description, type=d.type, unit=d.unit, values=values,
                                  ordered=d.ordered, minimum=d.minimum, maximum=d.maximum, never=d.never,
                                  measured=d.measured))
        return Vocabulary(pack=pack_ref(pack), model_fact=pack.model_fact, requests=pack.vocabulary.requests,
                          facts=facts)

    def round_configs(self) -> dict[str, Path]:
        if not self.rounds_dir.is_dir():
            return {}
        return {f.stem: f for f in sorted(self.rounds_dir.glob("*.yaml")) if f.is_file()}

    def rounds(self, pack_id: str | None = None) -> list[RoundConfigInfo]:
        """The round configs of the workspace; with a pack, those whose date falls in that pack's time: on or
        after its date of effect and before the next later pack's the server offers."""
        from ..round.config import load_config
        out = []
        start = end = None
        if pack_id is not None:
            pack = self.pack(pack_id)
            start = pack.effective
            later = [e for e in (load_pack(r).effective for r in self.pack_roots.values()) if e > start]
            end = min(later) if later else None
        for stem, path in self.round_configs().items():
            try:
                cfg, _doc = load_config(path)
            except InputError:
                continue
            if start is not None and (cfg.date < start or (end is not None and cfg.date >= end)):
                continue
            out.append(RoundConfigInfo(id=stem, name=cfg.name, date=cfg.date, file=workspace.display(path)))
        return out

    # --- a place with its changes ------------------------------------------------------------------------
    def profile_of(self, req: PlaceRequest, pack: Pack) -> tuple[Profile, Any]:
        """The profile a request names or carries, and its data as written."""
        from ..vocab.places import load_place, profile_vocabulary
        if (req.place is None) == (req.profile is None):
            raise InputError([Problem("request", "give either place (the id of a place) or profile (a whole "
                                                 "profile), not both or neither", code="request")])
        if req.place is not None:
            lp = load_place(self.place_path(req.place), pack)
            return lp.profile, lp.doc.data
        from ..vocab.england import with_census
        data = with_census(req.profile)  # a new place of councils: its Census population from the bundled table
        return parse_profile(Located("profile", data, {}), profile_vocabulary(pack)), data

    def resolve(self, req: PlaceRequest) -> tuple[Pack, Profile, dict, dict]:
        """The pack (with any parameters set), the profile (with any facts set), and the two sets of changes."""
        from ..round.whatif import split_settings
        pack = self.pack(req.pack)
        profile, _data = self.profile_of(req, pack)
        facts, params = split_settings(pack, req.set, origin="set")
        if params:
            pack = load_pack(pack.folder, params, set_by="set in the request")
        if facts:
            profile = profile.with_changes(facts, None)
        return pack, profile, facts, params

    def _decision(self, req: PlaceRequest):
        from ..decide.decision import decide
        from ..compiled import compiled
        pack, profile, _f, _p = self.resolve(req)
        return decide(pack, profile, req.as_of, compiled(pack).evaluator(req.engine),
                      "given in the request" if req.as_of else None)

    # --- the answers -----------------------------------------------------------------------------------
    def evaluate(self, req: PlaceRequest):
        from ..advice import advise
        with self.lock:
            return advise(self._decision(req))

    def explain(self, req: ExplainRequest):
        from ..decide.explain import explain_power
        with self.lock:
            return explain_power(self._decision(req), req.power)

    def whatif(self, req: PlaceRequest):
        from ..round.whatif import split_settings, whatif
        with self.lock:
            if not req.set:
                raise InputError([Problem("set", "give at least one change, e.g. "
                                                 "{\"capacity.shared_services\": true}")])
            pack = self.pack(req.pack)
            profile, _data = self.profile_of(req, pack)
            split_settings(pack, req.set, origin="set")  # the request's own words in any problem
            return whatif(pack, profile, req.set, req.as_of, req.engine)

    def unlock(self, req: UnlockRequest):
        from ..options.unlock import unlock
        with self.lock:
            if bool(req.power) == req.package:
                raise InputError([Problem("request", "give either power (an id) or package: true", code="request")])
            pack, profile, _f, _p = self.resolve(req)
            return unlock(pack, profile, req.as_of or pack.effective, req.power or "package", req.answers)

    def diff(self, req: DiffRequest) -> PlaceChange:
        """What changes between two states of a place, each change with the inputs that make the difference
        (found by changing one input at a time) and the rules whose truth changed because of them."""
        from ..decide.decision import decide
        from ..compiled import compiled
        from ..round.causes import pack_loader, state_of
        from ..round.diff import place_change
        with self.lock:
            evaluations, packs = [], []
            for side in (req.before, req.after):
                pack, profile, _f, _p = self.resolve(side)
                packs.append(pack)
                evaluations.append(decide(pack, profile, side.as_of, compiled(pack).evaluator(side.engine),
                                          "given in the request" if side.as_of else None
                                          ).evaluation(with_catalogue=False))
            before, after = evaluations
            if packs[0].id != packs[1].id:
                return PlaceChange(place=after.place.id, name=after.place.name, note=(
                    f"different rule packs ({packs[0].id} and {packs[1].id}), whose powers are not the same: set "
                    f"them side by side with negotiator compare {after.place.id} --then {packs[0].id} --now "
                    f"{packs[1].id}"))
            return place_change(after.place.id, after.place.name, before, after, state_of(packs[0], before),
                                state_of(packs[1], after), pack_loader(packs[1], "set in the request"))

    def round(self, req: RoundRequest) -> Round:
        from ..round.config import load_config
        from ..round.plan import run_round
        from ..vocab.places import load_places
        configs = self.round_configs()
        if req.config not in configs:
            raise NotFound([Problem("config", f"no round config '{req.config}' in "
                                              f"{workspace.display(self.rounds_dir)}/",
                                    suggestion=nearest(req.config, configs), code="not_found")])
        path = configs[req.config]
        with self.lock:
            cfg, doc = load_config(path)
            base = self.pack(req.pack)
            pack = load_pack(base.root, cfg.parameters, set_by=workspace.display(path))
            stamp = tuple((str(f), f.stat().st_mtime_ns) for f in self._place_files().values())
            key = (str(path), path.stat().st_mtime_ns, stamp, pack.hash, req.engine)
            if key not in self._rounds:
                loaded = load_places([str(self.places_dir)], pack)
                if len(self._rounds) >= 4:
                    self._rounds.pop(next(iter(self._rounds)))
                self._rounds[key] = run_round(pack, loaded, cfg, doc, req.engine)
            return self._rounds[key]

    def round_html(self, req: RoundRequest) -> str:
        from ..report.files import to_html
        data = self.round(req)
        with self.lock:
            return to_html(data)

    def schema(self, kind: str, pack_id: str | None = None) -> dict:
        from ..schemas import KINDS, json_schema
        if kind == "place":
            from ..vocab.places import profile_vocabulary
            from ..vocab.schema import place_schema
            with self.lock:
                pack = self.pack(pack_id)
                return place_schema(profile_vocabulary(pack), pack.id)
        if kind not in KINDS:
            kinds = ["place", *KINDS]
            raise NotFound([Problem("schema", f"'{kind}' is not a schema (schemas: {', '.join(kinds)})",
                                    suggestion=nearest(kind, kinds))])
        return json_schema(kind)

    # --- saving ----------------------------------------------------------------------------------------
    def save(self, req: SaveRequest) -> SavedProfile:
        """The profile with the request's changes, as YAML that `negotiator validate` accepts.

        A fact set in the request replaces its history with one value carrying `fact_source`, as what-if
        replaces it; a fact set to null is left out (unknown). Parameters are not part of a profile.
        """
        import yaml

        from ..round.whatif import split_settings
        from ..vocab.places import profile_vocabulary
        from ..vocab.profile import unsourced
        from ..yamlio import parse_yaml
        with self.lock:
            pack = self.pack(req.pack)
            profile, written = self.profile_of(req, pack)
            facts, params = split_settings(pack, req.set, origin="set")
            data = copy.deepcopy(written)
            problems = []
            if req.id is not None:
                if not SLUG.fullmatch(req.id) or len(req.id) > 80:
                    problems.append(Problem("id", f"'{req.id}' is not a slug (lower-case letters, digits and single "
                                                  "hyphens)"))
                data["id"] = req.id
            if req.name is not None:
                if not req.name.strip():
                    problems.append(Problem("name", "expected a name (text that is not blank)"))
                data["name"] = req.name
            if problems:
                raise InputError(problems)
            for name, value in facts.items():
                _put(data, name.split("."), None if value is None else {"value": value, "source": req.fact_source})
            pid = str(data.get("id") or profile.id)
            # Comments are one line each whatever the text: line breaks (YAML's: \n, \r, U+0085, U+2028,
            # U+2029) and control characters in a file name or a source are shown escaped, never obeyed.
            head = (f"# Saved by negotiator serve on {date.today().isoformat()}"
                    + (f" from {_comment(profile.file)}" if req.place else "") + ".\n"
                    + (f"# Facts set by hand carry the source '{_comment(req.fact_source)}'.\n" if facts else ""))
            body = yaml.dump(_plain(data), Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)
            text = head + body
            saved = parse_profile(parse_yaml(text, f"{pid}.yaml"), profile_vocabulary(pack))
            warnings = [f"parameter {p} is not part of a profile and was not saved" for p in params]
            absent = [n for n in pack.facts_read if not saved.stated(n)]
            if absent:
                warnings.append(f"{len(absent)} fact(s) that rule pack {pack.id} reads are not stated, so unknown: "
                                f"{', '.join(absent)}")
            bare = unsourced(saved)
            if bare:
                warnings.append(f"no source for {', '.join(bare)}")
            return SavedProfile(id=pid, file_name=f"{pid}.yaml", yaml=text, warnings=warnings)
