"""ASGI app factories for the verification benchmarks (bench_verify.py).

- `bare_verify_app`: the same online verification as `eDrivingLicenceVerify` as a plain Starlette
  endpoint: partner bearer token, the partner client's and firm's status (one indexed read, as every
  authenticated request), the partner's verification quota (the same rate limiter), COSE signature
  check, payload expiry, one indexed join (credential handle -> licence), live status, allowed
  claims, and the same writes (signed receipt, holder log row, audit event: prebuilt Core inserts)
  in one short transaction. `BENCH_VERIFY_WRITES=0` skips the writes (to measure what the receipt +
  audit cost). `BENCH_VERIFY_CHECKS=0` also skips the status read and the quota, as the endpoint
  did until 2026-12-01 (`bare_verify_readonly_lean`).
- `verify_online_app`: the production app with the e_driving_licence plugin (GraphQL mutation).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.gc_tuning import settle_after_start_up  # noqa: E402


def _health(request: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


def _platform():  # noqa: ANN202
    from core.platform import build_platform
    from core.settings import Settings

    settings = Settings(
        database_url=os.environ["BENCH_DATABASE_URL"],
        plugins=("e_driving_licence",),
        group_commit=os.environ.get("GROUP_COMMIT", "on") != "off",
        audit_sequencer=os.environ.get("AUDIT_SEQUENCER", "embedded"),
    )
    return build_platform(settings, plugins=["e_driving_licence"])


def bare_verify_app() -> Starlette:
    from sqlalchemy import select

    from core import audit
    from core.accounts import PartnerOrg
    from core.actor import Actor
    from core.auth.principals import require_active
    from core.db import stamp
    from core.documents import credentials as cred
    from core.documents.qr import sign_payload
    from core.documents.signing import verify_document
    from core.errors import RuleError
    from core.ids import new_id
    from plugins.e_driving_licence import rules
    from plugins.e_driving_licence.models import EdlVerification
    from plugins.e_driving_licence.verification import _CRED, _LOOKUP

    platform = _platform()
    engine = platform.engine
    writes = os.environ.get("BENCH_VERIFY_WRITES", "1") != "0"
    checks = os.environ.get("BENCH_VERIFY_CHECKS", "1") != "0"
    quota = 10_000_000  # the bench's partner_verifications_per_minute (bench_verify.py)
    orgs: dict[str, tuple[str, list[str]]] = {}
    ver_table = EdlVerification.__table__  # type: ignore[attr-defined]
    record = ver_table.insert()
    org_table = PartnerOrg.__table__  # type: ignore[attr-defined]

    async def bare(request: Request) -> Response:
        header = request.headers.get("authorization", "")
        try:
            actor = Actor.from_claims(platform.tokens.verify(header[7:]))
        except RuleError:
            return Response(
                b'{"error":"unauthenticated"}', status_code=401, media_type="application/json"
            )
        if checks:
            try:
                with engine.connect() as conn:
                    require_active(conn, actor)
                platform.limiter.hit("edl.verify", actor.partner_org_id or "", quota, 60.0)
            except RuleError:
                return Response(
                    b'{"error":"refused"}', status_code=401, media_type="application/json"
                )
        variables = orjson.loads(await request.body())["variables"]["in"]
        now = platform.clock.now()
        epoch = int(now.timestamp())
        org = orgs.get(actor.partner_org_id or "")
        if org is None:
            with engine.connect() as conn:
                row = conn.execute(
                    select(org_table.c.name, org_table.c.allowed_claims).where(
                        org_table.c.id == actor.partner_org_id
                    )
                ).first()
            org = orgs[actor.partner_org_id or ""] = (row.name, list(row.allowed_claims))
        checked = verify_document(
            platform.keys, variables["payload"], "DL1:", cred.credential_shape("DL")
        )
        claims: dict[str, str] = {}
        accepted = False
        handle = None
        holder = None
        if checked.valid and int(checked.claims[cred.C_EXP]) + 30 >= epoch:  # type: ignore[index]
            handle = cred.handle_from_bytes(checked.claims[cred.C_HANDLE])  # type: ignore[index]
            with engine.connect() as conn:
                row = conn.execute(_LOOKUP.where(_CRED.c.handle == handle)).first()
            if row is not None and row.revoked_at is None:
                holder = row.holder_person_id
                code, _ = rules.live_status(row.status, row.valid_until, row.points, now.date())
                accepted = code == rules.VALID
                names = rules.disclosed_claims(None, org[1])
                claims = rules.claim_values(
                    names, code=code, classes=row.classes.split(), valid_until=row.valid_until,
                    first_issue_date=row.first_issue_date, points=row.points, holds_class=None,
                )  # fmt: skip
        result = "ACCEPTED" if accepted else "REJECTED"
        receipt_id = new_id()
        receipt = ""
        if writes:
            receipt = sign_payload(
                "VR1:",
                {1: receipt_id, 2: handle or "", 3: actor.partner_org_id, 4: epoch, 5: result, 6: claims,
                 7: variables["purpose"], 8: ""},
                platform.keys.active("document"),
            )  # fmt: skip
            draft = audit.EventDraft(
                log_id=actor.log_id, at=now, actor_account_id=actor.account_id,
                actor_kind=actor.kind, actor_role=actor.primary_role,
                jurisdiction=actor.jurisdiction, action="e_driving_licence.verify",
                measure="e_driving_licence", subject_person_id=holder,
                subject_ref=f"EDrivingLicence:{handle}", outcome="OK",
                detail={"purpose": variables["purpose"], "claims": sorted(claims), "result": result},
            )  # fmt: skip
            with engine.connect() as conn:
                conn = conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    conn.execute(record, {
                        "id": receipt_id, "at": stamp(now), "holder_person_id": holder,
                        "handle": handle, "verifier_kind": "PARTNER", "verifier_name": org[0],
                        "verifier_ref": actor.partner_org_id, "purpose": variables["purpose"],
                        "claims": sorted(claims), "result": result,
                    })  # fmt: skip
                    audit.insert_event(conn, draft)
        body = {
            "data": {
                "eDrivingLicenceVerify": {
                    "errors": [],
                    "verification": {
                        "accepted": accepted,
                        "claims": [{"name": k, "value": v} for k, v in claims.items()],
                        "receipt": receipt,
                    },
                }
            }
        }
        return Response(orjson.dumps(body), media_type="application/json")

    app = Starlette(routes=[Route("/bare", bare, methods=["POST"]), Route("/health", _health)])
    settle_after_start_up()
    return app


def verify_online_app() -> Starlette:
    from core.http import create_app

    app = create_app(_platform())
    settle_after_start_up()
    return app
