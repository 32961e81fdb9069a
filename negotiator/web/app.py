"""The FastAPI application: the page (`GET /`), its static files, and the JSON API under `/api`.

FastAPI (on uvicorn) because it is pydantic-native: the API returns the very models the command line
prints (`Evaluation`, `Explanation`, `WhatIf`, `Unlock`, `Round`, `PlaceChange`), and `/openapi.json`
describes them from the same classes. Results are written with `model_dump_json`, as the CLI writes
them, so `POST /api/evaluate` and `negotiator evaluate --json` give the same JSON.

Bad input gets a 4xx JSON body of schema kind `errors` (`negotiator --json` prints the same on bad input):
`errors`, the CLI's located lines, and `problems`, the same as data with stable codes (404 for a place, pack,
round config or schema the server does not have; 413 for a body over `MAX_BODY`; 422 otherwise).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any, Optional

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.trustedhost import TrustedHostMiddleware
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import InputError, Problem
from ..validation import problem_code
from ..results import Errors, Evaluation, Explanation, PlaceChange, Round, Unlock, WhatIf
from .service import (
    MAX_BODY, Council, DiffRequest, ExplainRequest, NotFound, PackInfo, PlaceDetail, PlaceRequest, PlaceSummary,
    RoundConfigInfo, RoundRequest, SavedProfile, SaveRequest, Service, UnlockRequest, Vocabulary,
)

#: The page may load only its own files; the round report (inline styles, no scripts) is framed from here.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
               "frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'")
REPORT_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"
#: Names the server answers to: it listens on 127.0.0.1 only, and a web page elsewhere that points its own
#: name at 127.0.0.1 (DNS rebinding) gets 400, not the places and their facts.
LOCAL_HOSTS = ["127.0.0.1", "localhost"]


def _doc_policy(page: str) -> str:
    """A rulebook page is self-contained: its own inline style, and its one inline script (the filter box)
    allowed by its hash; nothing else."""
    import base64
    import hashlib
    import re
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(m.encode()).digest()).decode() + "'"
                      for m in re.findall(r"<script>(.*?)</script>", page, flags=re.S))
    return ("default-src 'none'; style-src 'unsafe-inline'; script-src " + (hashes or "'none'") + "; "
            "base-uri 'none'; form-action 'none'")


ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Errors, "description": "A place, pack, round config or schema the server does not have"},
    413: {"model": Errors, "description": "The request body is larger than 1 MB"},
    422: {"model": Errors, "description": "Bad input, with located messages"},
}


def _json(model: BaseModel) -> Response:
    from ..text import json_safe
    return Response(json_safe(model.model_dump_json()), media_type="application/json")


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413, whether or not they declare their length."""

    def __init__(self, app, limit: int = MAX_BODY):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None:
            if not length.isdigit():
                return await self._refuse(send, 400, "the Content-Length header is not a number")
            if int(length) > self.limit:
                return await self._refuse(send, 413, self._too_large())
            return await self.app(scope, receive, send)
        chunks, size = [], 0
        while True:  # no declared length (chunked): read at most the limit, then replay it
            message = await receive()
            if message["type"] != "http.request":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                return await self._refuse(send, 413, self._too_large())
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        sent = False

        async def replay():
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await self.app(scope, replay, send)

    def _too_large(self) -> str:
        return f"request: the body is larger than {self.limit // 1024:,} KB; a place profile is a few KB"

    @staticmethod
    async def _refuse(send, status: int, message: str) -> None:
        problem = Problem("request", message.removeprefix("request: "), code="too_large" if status == 413 else "request")
        body = _body([problem])
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})


class SafeJSON(JSONResponse):
    """Every JSON answer: characters a terminal or a page would act on (C1, bidi, separators) escaped."""

    def render(self, content: Any) -> bytes:
        from ..text import json_safe
        return json_safe(json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"))).encode()


def _body(problems: list[Problem]) -> bytes:
    """An `Errors` body with every character outside ASCII escaped: request text echoed in a message (a lone
    surrogate, a bidi override) is shown, never obeyed, and never fails to encode."""
    return json.dumps(Errors.of(problems).model_dump(mode="json")).encode()


def _errors(problems: list[Problem], status: int, headers: Any = None) -> Response:
    return Response(_body(problems), status_code=status, media_type="application/json", headers=headers)


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts)


def create_app(packs: list[str | Path] | None = None, places_dir: str | Path | None = None,
               rounds_dir: str | Path | None = None) -> FastAPI:
    """The application over some rule packs (names or folders; default: the workspace's) and a places folder."""
    service = Service(packs, places_dir, rounds_dir)
    app = FastAPI(
        default_response_class=SafeJSON,
        title="negotiator", version=__version__, docs_url=None, redoc_url=None,  # their pages load from a CDN
        description="Negotiated autonomy: which powers and budgets a place could take on, and what accountability "
                    "it must accept in return. The same typed results as the command line (`negotiator evaluate "
                    "--json`, `explain`, `whatif`, `unlock`, `round`, `schema`). A request names a place of the "
                    "server's places folder (`place`) or carries a whole profile (`profile`, the shape of a YAML "
                    "profile), and may change facts or pack parameters (`set`, as `--set`; null makes a fact "
                    "unknown).",
    )
    app.state.service = service
    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=LOCAL_HOSTS)

    @app.exception_handler(InputError)
    async def _input_error(_request: Request, exc: InputError):
        return _errors(exc.problems, 404 if isinstance(exc, NotFound) else 422)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, exc: RequestValidationError):
        problems = []
        for err in exc.errors():
            where = _field(tuple(err.get("loc", ())))
            msg = str(err.get("msg")).removeprefix("Value error, ")
            code = problem_code(str(err.get("type", "")))  # missing, unknown_name, bad_date, bad_value as in files
            problems.append(Problem("request", msg, field=where or None, code="request" if code == "input" else code))
        return _errors(problems, 422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(_request: Request, exc: StarletteHTTPException):
        problem = Problem("request", str(exc.detail), code="not_found" if exc.status_code == 404 else "request")
        return _errors([problem], exc.status_code, getattr(exc, "headers", None))

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
        if not request.url.path.startswith("/round/"):
            response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
            response.headers.setdefault("X-Frame-Options", "DENY")
        return response

    static = Path(__file__).parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse((static / "index.html").read_text(encoding="utf-8"))

    # --- what there is ---------------------------------------------------------------------------------
    @app.get("/api/packs", response_model=list[PackInfo], tags=["what there is"])
    def packs_() -> list[PackInfo]:
        """The rule packs this server offers; the first is the default."""
        return service.packs()

    @app.get("/api/places", response_model=list[PlaceSummary], responses=ERRORS, tags=["what there is"])
    def places(pack: Optional[str] = None) -> list[PlaceSummary]:
        """The places of the server's places folder (a profile that cannot be read says why)."""
        return service.places(pack)

    @app.get("/api/places/{place_id}", response_model=PlaceDetail, responses=ERRORS, tags=["what there is"])
    def place(place_id: str, pack: Optional[str] = None) -> PlaceDetail:
        """One place's profile as written (JSON in the shape of the YAML): a starting point for `profile`."""
        return service.place(place_id, pack)

    @app.get("/api/vocabulary", response_model=Vocabulary, responses=ERRORS, tags=["what there is"])
    def vocabulary(pack: Optional[str] = None) -> Vocabulary:
        """Every fact a profile may state for the pack, with its type, values and their titles."""
        return service.vocabulary(pack)

    @app.get("/api/councils", response_model=list[Council], tags=["what there is"])
    def councils(as_of: Optional[date] = None, pack: Optional[str] = None) -> list[Council]:
        """The councils of the register (the Census table and negotiator/data/councils.yaml) that exist on
        `as_of` (default: the pack's date of effect), by code: the members a profile may name on that date."""
        return service.councils(as_of, pack)

    @app.get("/api/rounds", response_model=list[RoundConfigInfo], tags=["what there is"])
    def rounds(pack: Optional[str] = Query(None, description="Only the configs dated in this pack's time")
               ) -> list[RoundConfigInfo]:
        """The round configs of the workspace (rounds/*.yaml); with `pack`, those dated on or after its date of
        effect and before the next later pack's."""
        return service.rounds(pack)

    # --- the results of the command line -----------------------------------------------------------------
    @app.post("/api/evaluate", response_model=Evaluation, responses=ERRORS, tags=["results"])
    def evaluate(req: PlaceRequest) -> Response:
        """Evaluate a place, as `negotiator evaluate PLACE --json`: eligibility, powers, tiers, budget, facts to
        collect, what would unlock the powers asked for."""
        return _json(service.evaluate(req))

    @app.get("/api/evaluate/{place_id}", response_model=Evaluation, responses=ERRORS, tags=["results"])
    def evaluate_place(place_id: str, as_of: Optional[date] = None, pack: Optional[str] = None) -> Response:
        """Evaluate a place of the places folder (for curl): `negotiator evaluate PLACE --json`."""
        return _json(service.evaluate(PlaceRequest(place=place_id, as_of=as_of, pack=pack)))

    @app.post("/api/explain", response_model=Explanation, responses=ERRORS, tags=["results"])
    def explain(req: ExplainRequest) -> Response:
        """The chain of rules behind one power, as `negotiator explain PLACE POWER --json`."""
        return _json(service.explain(req))

    @app.post("/api/whatif", response_model=WhatIf, responses=ERRORS, tags=["results"])
    def whatif(req: PlaceRequest) -> Response:
        """What changes when some facts or parameters change (`set`), as `negotiator whatif PLACE --set ...
        --json`."""
        return _json(service.whatif(req))

    @app.post("/api/unlock", response_model=Unlock, responses=ERRORS, tags=["results"])
    def unlock(req: UnlockRequest) -> Response:
        """The cheapest sets of declared moves that make a power (or the package) available, as `negotiator
        unlock --json` (at most 10 answers)."""
        return _json(service.unlock(req))

    @app.post("/api/diff", response_model=PlaceChange, responses=ERRORS, tags=["results"])
    def diff(req: DiffRequest) -> Response:
        """What changes for a place between two states (facts set, dates), with the rules that make the
        difference: what `negotiator diff` says of a place between two rounds."""
        return _json(service.diff(req))

    @app.post("/api/round", response_model=Round, responses=ERRORS, tags=["results"])
    def round_(req: RoundRequest) -> Response:
        """Run a round over the server's places folder with a round config of the workspace, as `negotiator
        round places/ --config rounds/NAME.yaml` writes round.json."""
        return _json(service.round(req))

    @app.get("/round/{config}.html", response_class=HTMLResponse, responses=ERRORS, tags=["results"])
    def round_html(config: str, pack: Optional[str] = None) -> HTMLResponse:
        """The round's HTML report (round.html), for the page to show."""
        response = HTMLResponse(service.round_html(RoundRequest(config=config, pack=pack)))
        response.headers["Content-Security-Policy"] = REPORT_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @app.get("/doc/{pack_id}/{page}", response_class=HTMLResponse, responses=ERRORS, tags=["what there is"])
    def rulebook(pack_id: str, page: str) -> Response:
        """A page of the pack's rulebook, as `negotiator doc --rules PACK --out DIR` writes it (index.html,
        a page a section, rulebook.md)."""
        from ..text import html_safe
        text = service.rulebook_page(pack_id, page)
        text = text if page.endswith(".md") else html_safe(text)
        if page.endswith(".md"):
            return Response(text, media_type="text/markdown; charset=utf-8")
        response = HTMLResponse(text)
        response.headers["Content-Security-Policy"] = _doc_policy(text)
        return response

    @app.get("/api/footprints", responses=ERRORS, tags=["results"])
    def footprints(check: list[str] = Query(..., description="A place id or a council (repeat; councils together "
                                                            "make one footprint)"),
                   as_of: Optional[date] = None, pack: Optional[str] = None) -> Response:
        """Footprints judged against a pack, as `negotiator footprints --check ... --json`."""
        return _json(service.footprints(check, as_of, pack))

    @app.get("/footprints.html", response_class=HTMLResponse, responses=ERRORS, tags=["results"])
    def footprints_html(check: list[str] = Query(...), as_of: Optional[date] = None,
                        pack: Optional[str] = None) -> HTMLResponse:
        """The footprint view: each footprint drawn as a graph of its councils, with its conditions, as
        `negotiator footprints --check ... --out DIR` writes footprints.html."""
        from ..footprints.page import html_page
        from ..text import html_safe
        response = HTMLResponse(html_safe(html_page(service.footprints(check, as_of, pack))))
        response.headers["Content-Security-Policy"] = REPORT_POLICY
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        return response

    @app.get("/api/schema/{kind}", responses=ERRORS, tags=["schemas"])
    def schema(kind: str, pack: Optional[str] = Query(None, description="For place: the pack whose facts")
               ) -> dict[str, Any]:
        """A JSON Schema, as `negotiator schema KIND`: place (profiles, for a pack's vocabulary), result,
        explanation, round, diff, whatif or unlock."""
        return service.schema(kind, pack)

    @app.post("/api/save", response_model=SavedProfile, responses=ERRORS, tags=["profiles"])
    def save(req: SaveRequest) -> SavedProfile:
        """The profile with the facts set in the request, as YAML that `negotiator validate` accepts (each fact
        set carries `fact_source`). Nothing is written on the server."""
        return service.save(req)

    return app
