"""`negotiator serve`: a local web page for live what-if, and a JSON API."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from ..errors import InputError, Problem
from .common import app, json_option, line


@app.command()
def serve(
    rules: Optional[List[str]] = typer.Option(None, "--rules", "-r", metavar="PACK",
                                              help="Rule packs to offer (repeatable; default: every pack in rules/, "
                                                   "the default pack first)."),
    places: Optional[Path] = typer.Option(None, "--places", metavar="DIR",
                                          help="Folder of place profiles (default: the workspace's places/)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, metavar="N",
                             help="Port on 127.0.0.1 (0: any free port)."),
    as_json: bool = json_option("the address, once listening, on one line (schema kind serve)"),
) -> None:
    """A local web page for live what-if, and a JSON API (on 127.0.0.1 only; Ctrl-C stops it).

    The page evaluates a place as you change its facts and shows each power's status and why, what
    changed, the moves that would unlock a power and the facts to collect; it interviews for missing
    facts, saves the edited profile as YAML, and shows round reports. The API (/api/..., described at
    /openapi.json) returns the same JSON as evaluate, explain, whatif, unlock, round and schema.
    Example: negotiator serve --port 8000
    """
    import socket

    try:
        import uvicorn

        from ..web import create_app
    except ImportError as exc:  # pragma: no cover - the dependencies are declared
        raise InputError([Problem("serve", f"needs fastapi and uvicorn ({exc})")]) from None
    from .. import workspace
    packs: list[str | Path] | None = [*rules] if rules else None
    web = create_app(packs, places)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise InputError([Problem("--port", f"cannot listen on 127.0.0.1:{port} ({exc.strerror or exc})", code="file")]) from None
    # Listen before saying the address: a browser that connects at once then waits in the queue until
    # uvicorn accepts, rather than being refused while the app starts (uvicorn listens on it again).
    sock.listen(2048)
    address = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    service = web.state.service
    if as_json:  # one line, so a program that started the server can read it and go on
        from ..results import Served
        served = Served(address=address, openapi=f"{address}openapi.json", packs=list(service.pack_roots),
                        places=workspace.display(service.places_dir))
        typer.echo(served.model_dump_json(), nl=True)
        sys.stdout.flush()
    else:
        line(f"negotiator serve: {address} (the API is described at {address}openapi.json)")
    line(f"rule packs: {', '.join(service.pack_roots)}; places: "
         f"{workspace.display(service.places_dir)}; Ctrl-C stops it", err=True)
    server = uvicorn.Server(uvicorn.Config(web, log_level="warning", access_log=False))
    server.run(sockets=[sock])
