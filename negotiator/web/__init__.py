"""`negotiator serve`: a local web page for live what-if, and a JSON API over the same typed results.

`service` does the work without the web (requests in, the typed results of `results` out, `InputError`
for bad input); `app` puts it on FastAPI (`create_app`), with the page's static files (`static/`: one
HTML page, one script, one style sheet; no build step, nothing fetched from elsewhere). Only the command
line imports this package, and only for `serve`.
"""

from .app import create_app

__all__ = ["create_app"]
