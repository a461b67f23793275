"""Administrators disable accounts and suspend partners; both take effect on the next request.

- `accountStatusSet`: a national administrator may disable or re-enable any account; a province
  administrator the staff accounts of their own province. Nobody changes their own status.
- `partnerStatusSet`: a national administrator may suspend or reinstate any partner firm; a
  province administrator the partners registered in their province (`PartnerOrg.province_code`).

Tokens already issued stop working at once: every request re-reads the account's or partner's
status (core/auth/principals.py). Both mutations are audited with the reason.
"""

from __future__ import annotations

import enum

import strawberry

from core.accounts import Account, PartnerOrg, Role
from core.context import Context, WriteScope
from core.errors import Code, NotFound, RuleError
from core.graphql.operations import Payload, mutation
from core.ids import lookup_id
from core.validation import require_text


@strawberry.enum(description="Whether an account may sign in and act.")
class AccountStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


@strawberry.enum(description="Whether a partner firm's credentials are honoured.")
class PartnerStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


@strawberry.type
class AccountStatusPayload(Payload):
    account_id: strawberry.ID | None = None
    status: AccountStatus | None = None


@strawberry.type
class PartnerStatusPayload(Payload):
    partner_id: strawberry.ID | None = None
    status: PartnerStatus | None = None


def _national(ctx: Context) -> bool:
    return Role.NATIONAL_ADMIN in ctx.actor.roles


@strawberry.type
class AdminMutation:
    @mutation(
        "core.account_status_set",
        "Disable or re-enable an account; its tokens stop working on the next request. Audited.",
        qualifier="national admins: any account; province admins: staff of their province",
    )
    def account_status_set(
        self,
        info: strawberry.Info,
        account_id: strawberry.ID,
        status: AccountStatus,
        reason: str,
        scope: WriteScope,
    ) -> AccountStatusPayload:
        ctx: Context = info.context
        require_text("reason", reason, 300)
        account = scope.session.get(Account, lookup_id(account_id))
        if account is None:
            raise NotFound("Account", "accountId")
        if account.id == ctx.actor.account_id:
            raise RuleError(
                Code.FORBIDDEN,
                "You cannot change the status of your own account.",
                field="accountId",
                rule="core: no administrator disables or re-enables themself",
            )
        if not _national(ctx) and (
            account.kind != "STAFF" or account.province_code != ctx.actor.province_code
        ):
            raise RuleError(
                Code.OUT_OF_JURISDICTION,
                "A province administrator manages the staff accounts of their own province.",
                field="accountId",
                rule="core: province administrators manage their province's staff",
            )
        account.status = status.value
        scope.session.add(account)
        scope.subject(
            account.person_id, f"Account:{account.id}", status=status.value, reason=reason
        )
        return AccountStatusPayload(account_id=strawberry.ID(account.id), status=status)

    @mutation(
        "core.partner_status_set",
        "Suspend or reinstate a partner firm; its tokens stop working on the next request. "
        "Audited.",
        qualifier="national admins: any partner; province admins: partners registered in their "
        "province",
    )
    def partner_status_set(
        self,
        info: strawberry.Info,
        partner_id: strawberry.ID,
        status: PartnerStatus,
        reason: str,
        scope: WriteScope,
    ) -> PartnerStatusPayload:
        ctx: Context = info.context
        require_text("reason", reason, 300)
        org = scope.session.get(PartnerOrg, lookup_id(partner_id))
        if org is None:
            raise NotFound("Partner", "partnerId")
        if not _national(ctx) and org.province_code != ctx.actor.province_code:
            raise RuleError(
                Code.OUT_OF_JURISDICTION,
                "A province administrator manages the partners registered in their province.",
                field="partnerId",
                rule="core: province administrators manage their province's partners",
            )
        org.status = status.value
        scope.session.add(org)
        scope.subject(None, f"PartnerOrg:{org.id}", status=status.value, reason=reason)
        return PartnerStatusPayload(partner_id=strawberry.ID(org.id), status=status)
