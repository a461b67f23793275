"""Plain HTTP routes for offline verifiers: signed status lists and the signed trust list,
with cache headers (handhelds fetch them when online and verify offline)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from core.documents import credentials as cred
from core.web import page


async def status_list(request: Request) -> Response:
    platform = request.app.state.platform
    try:
        list_id = int(request.path_params["list_id"])
    except ValueError:
        return PlainTextResponse("unknown list", status_code=404)
    if not 0 <= list_id < cred.LIST_COUNT:
        return PlainTextResponse("unknown list", status_code=404)
    with Session(platform.engine) as session:
        token = cred.current_status_list(
            session, platform.keys, list_id, platform.clock.now(), cred.platform_sources(platform)
        )
        session.commit()
    return PlainTextResponse(
        token, headers={"cache-control": f"public, max-age={cred.LIST_TTL_SECONDS // 2}"}
    )


async def trust_list(request: Request) -> Response:
    platform = request.app.state.platform
    return PlainTextResponse(
        cred.signed_trust_list(platform.keys), headers={"cache-control": "public, max-age=300"}
    )


ROUTES = [
    Route("/credentials/status-lists/{list_id}", status_list),
    Route("/credentials/trust-list", trust_list),
    page(
        Path(__file__).parent / "web" / "partner.html"
    ),  # /partner: the partners' verification page
]
