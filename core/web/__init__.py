"""Web pages served by the app: the province console (here) and measure pages (in their plugins)."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

HERE = Path(__file__).parent
_SECURITY_HEADERS = {
    "content-security-policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; media-src 'self' blob:; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}


def page(path: Path) -> Route:
    """A route serving one self-contained HTML page (inline CSS and JS, no external resources)."""
    html = path.read_text(encoding="utf-8")

    async def endpoint(request: Request) -> Response:
        return HTMLResponse(html, headers=_SECURITY_HEADERS)

    return Route(f"/{path.stem}", endpoint)


def core_routes() -> list[Route]:
    from core.web import report_labels

    return [page(HERE / "console.html"), report_labels.route()]
