"""Notices (提示告知): what the platform tells people, declared once and sent through the outbox.

Each measure declares the notices it sends (`register_notice_templates`): a name
(`<measure>.<event>`), the text with `{placeholders}` and the channel. `Context.notify` renders the
text in the transaction of the business change and queues it in the outbox (core/outbox.py), so a
notice exists exactly when the change does. A notice whose template is undeclared, or whose
parameters miss a placeholder, is a programming error: `UndeclaredNotice` is raised (and the
request answers INTERNAL_ERROR), which the measure's tests catch. The addressee is a person, a staff
account, a partner organisation or a unit (`Addressee`); people list what they were told with the
`myNotices` query.
"""

from __future__ import annotations

import enum
import string
from dataclasses import dataclass, fields
from typing import Any


class NoticeChannel(enum.StrEnum):
    """How a notice reaches its addressee (the outbox's `channel`)."""

    APP = "APP"  # a message in the app
    SMS = "SMS"  # a text message
    WEBHOOK = "WEBHOOK"  # a partner's webhook delivery (core/monitoring/webhooks.py)


CHANNELS = (NoticeChannel.APP.value, NoticeChannel.SMS.value)  # what a template may name


class UndeclaredNotice(RuntimeError):
    """A notice sent with a template nobody declared, or without the parameters it names."""


@dataclass(frozen=True)
class NoticeTemplate:
    """One notice a measure sends: `text` is a `str.format` template ("您的{business}申请未通过：
    {reason}"), rendered with the parameters given when it is sent."""

    name: str
    measure: str
    text: str
    channel: str = "APP"

    def __post_init__(self) -> None:
        if not self.name.startswith(f"{self.measure}."):
            raise ValueError(f"notice {self.name!r} is not named '{self.measure}.<event>'")
        if self.channel not in CHANNELS:
            raise ValueError(f"notice {self.name!r}: channel is one of {CHANNELS}")
        _ = self.placeholders  # a malformed template fails at start-up

    @property
    def placeholders(self) -> frozenset[str]:
        try:
            parsed = list(string.Formatter().parse(self.text))
        except ValueError as exc:
            raise ValueError(f"notice {self.name!r}: {exc}") from None
        return frozenset(name for _, name, _, _ in parsed if name)

    def render(self, params: dict[str, Any]) -> str:
        """The text with `params` filled in; UndeclaredNotice when one is missing."""
        missing = self.placeholders - set(params)
        if missing:
            raise UndeclaredNotice(f"notice {self.name!r} needs {sorted(missing)}")
        return self.text.format_map({k: "" if v is None else v for k, v in params.items()})


@dataclass(frozen=True)
class Addressee:
    """Whom a notice goes to: exactly one of a person, a staff account, a partner organisation, a
    unit, or (SMS only) a phone number not tied to a person yet (a registration code)."""

    person_id: str | None = None
    account_id: str | None = None
    partner_org_id: str | None = None
    unit_id: str | None = None
    phone: str | None = None

    def __post_init__(self) -> None:
        given = [f.name for f in fields(self) if getattr(self, f.name) is not None]
        if len(given) != 1:
            raise ValueError(f"a notice has exactly one addressee, not {given or 'none'}")

    @classmethod
    def person(cls, person_id: str) -> Addressee:
        return cls(person_id=person_id)

    @classmethod
    def account(cls, account_id: str) -> Addressee:
        return cls(account_id=account_id)

    @classmethod
    def partner(cls, partner_org_id: str) -> Addressee:
        return cls(partner_org_id=partner_org_id)

    @classmethod
    def unit(cls, unit_id: str) -> Addressee:
        return cls(unit_id=unit_id)


# the core's own notices: the registration's out-of-band answers (core/registration.py), by SMS
CORE_TEMPLATES = (
    NoticeTemplate(
        "core.register.code",
        "core",
        "您正在注册交管服务账号，验证码{code}，{minutes}分钟内有效。",
        "SMS",
    ),
    NoticeTemplate(
        "core.register.code_on_file",
        "core",
        "有人以您的身份信息申请注册交管服务账号并填写了手机{phone}；如为本人操作，验证码{code}，"
        "{minutes}分钟内有效，否则请忽略。",
        "SMS",
    ),
    NoticeTemplate(
        "core.register.identity_used",
        "core",
        "有人以您的身份证件号码申请注册交管服务账号，但姓名不符，未予注册；如有疑问请联系交管部门。",
        "SMS",
    ),
    NoticeTemplate(
        "core.register.already_registered",
        "core",
        "有人以您的身份信息申请注册交管服务账号；您已有账号（{login}），可直接登录或找回密码。",
        "SMS",
    ),
    NoticeTemplate(
        "core.register.phone_in_use",
        "core",
        "有人以您的手机号码申请注册另一个交管服务账号，未予注册；如非本人操作请忽略。",
        "SMS",
    ),
)
CORE_BY_NAME = {t.name: t for t in CORE_TEMPLATES}
