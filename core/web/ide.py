"""GraphiQL served from the application itself (development mode only), so the IDE works on a
machine with no internet access (government intranets have none).

The browser builds are vendored, pinned npm packages (core/web/graphiql/vendor/MANIFEST.json:
package, exact version, the npm tarball's integrity, each file's SHA-384 and licence file;
refresh them as vendor/README.md says). The page loads nothing but these files, with subresource
integrity, under a content security policy that allows only this origin.

- `page_html()`: the GraphiQL page (GET /graphql without a query, core/http.py), carrying its
  content security policy (`CSP`) and no-referrer policy as <meta> elements.
- `asset_route()`: GET /graphiql/{name}: the bootstrap script and the vendored files, nothing
  else (404); gzip-compressed when the client accepts it; vendored files are cached for a year
  (their paths carry the version), the bootstrap script is revalidated.
"""

from __future__ import annotations

import gzip
import html
import json
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

HERE = Path(__file__).parent / "graphiql"
VENDOR = HERE / "vendor"
PREFIX = "/graphiql/"

# the page's content security policy (a <meta> element of the page): this origin only, no inline
# or evaluated script
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:"
)
_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


def manifest() -> list[dict[str, Any]]:
    """The vendored packages: [{package, version, licence, licence_file, npm_integrity,
    files: [{path (under vendor/), from (path inside the npm package), sha384 (SRI form)}]}],
    in load order (React, ReactDOM, then GraphiQL)."""
    return json.loads((VENDOR / "MANIFEST.json").read_text(encoding="utf-8"))


def _vendored() -> list[dict[str, str]]:
    return [f for package in manifest() for f in package["files"]]


def page_html() -> str:
    """The GraphiQL page: stylesheets, then React, ReactDOM and GraphiQL, each with its SRI hash."""
    tags = []
    for f in _vendored():
        src = html.escape(f"{PREFIX}vendor/{f['path']}")
        sri = html.escape(f["sha384"])
        if f["path"].endswith(".css"):
            tags.append(f'<link rel="stylesheet" href="{src}" integrity="{sri}">')
        else:
            tags.append(f'<script src="{src}" integrity="{sri}"></script>')
    tags.sort(key=lambda tag: not tag.startswith("<link"))  # stylesheets first, scripts in order
    page = (HERE / "index.html").read_text(encoding="utf-8")
    return page.replace("{csp}", html.escape(CSP)).replace("{assets}", "\n".join(tags))


class _Asset:
    def __init__(self, path: Path, immutable: bool) -> None:
        self.path = path
        self.immutable = immutable
        self._body: bytes | None = None
        self._gzipped: bytes | None = None

    def response(self, accepts_gzip: bool) -> Response:
        if self._body is None:  # read (and compress) once, on first use
            self._body = self.path.read_bytes()
            self._gzipped = gzip.compress(self._body, compresslevel=6, mtime=0)
        headers = {
            "cache-control": "public, max-age=31536000, immutable"
            if self.immutable
            else "no-cache",
            "x-content-type-options": "nosniff",
            "vary": "accept-encoding",
        }
        body = self._body
        if accepts_gzip and self._gzipped is not None:
            headers["content-encoding"] = "gzip"
            body = self._gzipped
        return Response(body, media_type=_TYPES[self.path.suffix], headers=headers)


def asset_route() -> Route:
    """GET /graphiql/{name:path}: start.js and the files listed in the manifest, nothing else."""
    assets = {"start.js": _Asset(HERE / "start.js", immutable=False)}
    for f in _vendored():
        assets[f"vendor/{f['path']}"] = _Asset(VENDOR / f["path"], immutable=True)

    async def endpoint(request: Request) -> Response:
        asset = assets.get(request.path_params["name"])
        if asset is None:
            return Response("Not found.", status_code=404, media_type="text/plain")
        return asset.response("gzip" in request.headers.get("accept-encoding", "").lower())

    return Route(PREFIX + "{name:path}", endpoint, methods=["GET"])
