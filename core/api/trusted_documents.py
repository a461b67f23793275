"""Registering a partner firm's trusted documents (core/graphql/trusted.py explains the idea).

`trustedDocumentRegister(document, name, partnerId)` validates the document against the schema
(as the caller's requests would be validated) and stores it for one partner firm; from then on
that firm's tokens may send its id (`sha256:<hex>`, returned as `documentId`) instead of the text.

Who may register, and for which firm:
- a partner client whose registration holds the scope `documents:register`: its own firm
  (`partnerId` left out or its own);
- a national administrator: any firm; a province administrator: the firms registered in their
  province (`partnerId` required).

Registering the same text again for the same firm answers the same id and changes nothing. A
firm holds at most MAX_PER_FIRM documents (TRUSTED_DOCUMENT_LIMIT beyond): a client sends a few.
Every registration is audited (the firm and the document's id and name, not its text).
"""

from __future__ import annotations

import strawberry
from sqlmodel import func, select

from core.accounts import PartnerOrg, Role
from core.context import Context, WriteScope
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import Payload, mutation
from core.graphql.trusted import MAX_DOCUMENT_CHARS, TrustedDocument, document_id
from core.ids import lookup_id
from core.validation import require_text

REGISTER_SCOPE = "documents:register"
TRUSTED_DOCUMENT_INVALID = "TRUSTED_DOCUMENT_INVALID"
TRUSTED_DOCUMENT_LIMIT = "TRUSTED_DOCUMENT_LIMIT"
MAX_PER_FIRM = 200  # each server keeps every document it has run prepared in memory
RULE = "core: trusted documents (issue 17 item 2)"


@strawberry.type
class TrustedDocumentPayload(Payload):
    document_id: str | None = strawberry.field(
        default=None,
        description="`sha256:` and the hex SHA-256 of the document's UTF-8 text: send it as "
        "`documentId` instead of `query`.",
    )
    name: str | None = None


def _firm(ctx: Context, scope: WriteScope, partner_id: strawberry.ID | None) -> PartnerOrg:
    """The firm the caller may register documents for (refusals: FORBIDDEN, NOT_FOUND,
    OUT_OF_JURISDICTION, INVALID_INPUT)."""
    actor = ctx.actor
    if actor.is_partner:
        if REGISTER_SCOPE not in actor.scopes:
            raise RuleError(
                Code.FORBIDDEN,
                f"Registering documents needs the scope `{REGISTER_SCOPE}` in your registration.",
                rule=RULE,
            )
        if partner_id is not None and lookup_id(partner_id) != actor.partner_org_id:
            raise RuleError(
                Code.FORBIDDEN,
                "A partner registers documents for its own firm only.",
                field="partnerId",
                rule=RULE,
            )
        org = scope.session.get(PartnerOrg, actor.partner_org_id)
        if org is None:  # pragma: no cover - the token names a firm that exists
            raise NotFound("Partner", "partnerId")
        return org
    if partner_id is None:
        raise RuleError(Code.INVALID_INPUT, "`partnerId` is required.", field="partnerId")
    org = scope.session.get(PartnerOrg, lookup_id(partner_id))
    if org is None:
        raise NotFound("Partner", "partnerId")
    if Role.NATIONAL_ADMIN not in actor.roles and org.province_code != actor.province_code:
        raise RuleError(
            Code.OUT_OF_JURISDICTION,
            "A province administrator registers documents for the partners of their province.",
            field="partnerId",
            rule=RULE,
        )
    return org


@strawberry.type
class TrustedDocumentMutation:
    @mutation(
        "core.trusted_document_register",
        "Register a document a partner firm's client sends, so that it sends the returned "
        "`documentId` instead of the text (validated now, prepared once per server). Audited.",
        qualifier="partners with the scope documents:register: their own firm; national "
        "admins: any firm; province admins: the firms of their province",
    )
    def trusted_document_register(
        self,
        info: strawberry.Info,
        document: str,
        name: str,
        scope: WriteScope,
        partner_id: strawberry.ID | None = None,
    ) -> TrustedDocumentPayload:
        ctx: Context = info.context
        name = require_text("name", name, 100)
        if not isinstance(document, str) or not document.strip():
            raise RuleError(Code.INVALID_INPUT, "`document` is required.", field="document")
        if len(document) > MAX_DOCUMENT_CHARS:
            raise RuleError(
                Code.TOO_LONG,
                f"`document` is longer than {MAX_DOCUMENT_CHARS} characters.",
                field="document",
            )
        org = _firm(ctx, scope, partner_id)
        prepared = ctx.platform.executor.compile(document)
        if prepared.errors:
            raise RuleError(
                TRUSTED_DOCUMENT_INVALID,
                "The document does not validate against the schema: "
                + prepared.errors[0]["message"],
                field="document",
                rule=RULE,
            )
        doc_id = document_id(document)
        hex_hash = doc_id[7:]
        existing = scope.session.exec(
            select(TrustedDocument).where(
                TrustedDocument.org_id == org.id, TrustedDocument.sha256 == hex_hash
            )
        ).first()
        if existing is None:
            table = TrustedDocument.__table__  # type: ignore[attr-defined]
            held = scope.session.exec(
                select(func.count()).select_from(table).where(table.c.org_id == org.id)
            ).one()
            if held >= MAX_PER_FIRM:
                raise RuleError(
                    TRUSTED_DOCUMENT_LIMIT,
                    f"A partner firm registers at most {MAX_PER_FIRM} documents.",
                    field="document",
                    rule=RULE,
                )
            scope.session.add(
                TrustedDocument(
                    org_id=org.id,
                    sha256=hex_hash,
                    name=name,
                    text=document,
                    registered_at=ctx.now(),
                    registered_by=ctx.actor.account_id or "-",
                )
            )
        scope.subject(None, f"PartnerOrg:{org.id}", document_id=doc_id, name=name)
        return TrustedDocumentPayload(document_id=doc_id, name=existing.name if existing else name)
