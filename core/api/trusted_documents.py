"""Registering a partner firm's trusted documents (core/graphql/trusted.py explains the idea).

`trustedDocumentRegister(document, name, partnerId)` validates the document against the schema
(as the caller's requests would be validated) and stores it for one partner firm; from then on
that firm's tokens may send its id (`sha256:<hex>`, returned as `documentId`) instead of the text.

Who may register, and for which firm:
- a partner client whose registration holds the scope `documents:register`: its own firm
  (`partnerId` left out or its own);
- a national administrator: any firm; a province administrator: the firms registered in their
  province (`partnerId` required).

Registering the same text again for the same firm answers the same id; under a new name it
renames the document and says so (`previousName`). A firm holds at most MAX_PER_FIRM documents
(TRUSTED_DOCUMENT_LIMIT beyond): a client sends a few. `trustedDocuments(partnerId)` lists a
firm's documents (id, name, when) and `trustedDocumentRemove(documentId, partnerId)` removes one
(it stops running on every server within core.graphql.trusted.RECHECK_SECONDS), with the same
rule of who may act for which firm. Every registration and removal is audited (the firm and the
document's id and name, not its text).
"""

from __future__ import annotations

import datetime as dt

import strawberry
from sqlmodel import Session, func, select

from core.accounts import PartnerOrg, Role
from core.context import Context, WriteScope
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import Payload, mutation, operation_field
from core.graphql.trusted import _HEX, MAX_DOCUMENT_CHARS, TrustedDocument, document_id
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
    previous_name: str | None = strawberry.field(
        default=None,
        description="When this text was registered already under another name: that name (the "
        "document is renamed, its id is unchanged).",
    )


@strawberry.type(description="A document registered for a partner firm (its text is not shown).")
class TrustedDocumentInfo:
    document_id: str
    name: str
    registered_at: dt.datetime


@strawberry.type
class TrustedDocumentRemovePayload(Payload):
    document_id: str | None = None
    name: str | None = None


def _firm(ctx: Context, session: Session, partner_id: strawberry.ID | None) -> PartnerOrg:
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
        org = session.get(PartnerOrg, actor.partner_org_id)
        if org is None:  # pragma: no cover - the token names a firm that exists
            raise NotFound("Partner", "partnerId")
        return org
    if partner_id is None:
        raise RuleError(Code.INVALID_INPUT, "`partnerId` is required.", field="partnerId")
    org = session.get(PartnerOrg, lookup_id(partner_id))
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
        org = _firm(ctx, scope.session, partner_id)
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
        previous = None
        if existing is not None and existing.name != name:
            previous, existing.name = existing.name, name
            scope.session.add(existing)
        scope.subject(
            None, f"PartnerOrg:{org.id}", document_id=doc_id, name=name, previous_name=previous
        )
        return TrustedDocumentPayload(document_id=doc_id, name=name, previous_name=previous)

    @mutation(
        "core.trusted_document_manage",
        "Remove a document registered for a partner firm (it stops running on every server "
        "within 30 seconds). Audited.",
        qualifier="partners with the scope documents:register: their own firm; national "
        "admins: any firm; province admins: the firms of their province",
    )
    def trusted_document_remove(
        self,
        info: strawberry.Info,
        document_id: str,
        scope: WriteScope,
        partner_id: strawberry.ID | None = None,
    ) -> TrustedDocumentRemovePayload:
        ctx: Context = info.context
        match = _HEX.fullmatch(document_id.lower()) if isinstance(document_id, str) else None
        if match is None:
            raise RuleError(
                Code.INVALID_INPUT,
                "A document id is `sha256:` followed by 64 hex digits.",
                field="documentId",
            )
        org = _firm(ctx, scope.session, partner_id)
        row = scope.session.exec(
            select(TrustedDocument).where(
                TrustedDocument.org_id == org.id, TrustedDocument.sha256 == match.group(1)
            )
        ).first()
        if row is None:
            raise NotFound("Trusted document", "documentId")
        doc_id, name = "sha256:" + row.sha256, row.name
        scope.session.delete(row)
        scope.subject(None, f"PartnerOrg:{org.id}", document_id=doc_id, name=name, removed=True)
        return TrustedDocumentRemovePayload(document_id=doc_id, name=name)


@strawberry.type
class TrustedDocumentQuery:
    @operation_field(
        "core.trusted_document_manage",
        "The documents registered for a partner firm (id, name, when; not the text), by name.",
        qualifier="partners with the scope documents:register: their own firm; national "
        "admins: any firm; province admins: the firms of their province",
    )
    def trusted_documents(
        self, info: strawberry.Info, partner_id: strawberry.ID | None = None
    ) -> list[TrustedDocumentInfo]:
        ctx: Context = info.context
        org = _firm(ctx, ctx.session, partner_id)
        rows = ctx.session.exec(
            select(TrustedDocument)
            .where(TrustedDocument.org_id == org.id)
            .order_by(TrustedDocument.name, TrustedDocument.sha256)
        ).all()
        return [
            TrustedDocumentInfo(
                document_id="sha256:" + r.sha256, name=r.name, registered_at=r.registered_at
            )
            for r in rows
        ]
