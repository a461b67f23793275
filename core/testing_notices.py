"""Test support for the notices a user reads in the app (`myNotices`): what the outbox told them.

Each helper asks as `who` (anything `Env.token` accepts) for its newest `first` notices (the
API's default page is 20).
"""

from __future__ import annotations

from typing import Any

from core.testing import Env

MY_NOTICES = """query($first: Int!) { myNotices(first: $first) {
  nodes { template text unitId } } }"""


def my_notices(env: Env, who: Any = "zhang_account", first: int = 20) -> list[dict[str, Any]]:
    """The notices `who` reads: each with its `template`, `text` and `unitId`."""
    return env.data(MY_NOTICES, {"first": first}, as_=who)["myNotices"]["nodes"]


def notice_templates(env: Env, who: Any = "zhang_account", first: int = 20) -> list[str]:
    """The templates of the notices `who` reads (e.g. "e_driving_licence.withdrawn")."""
    return [n["template"] for n in my_notices(env, who, first)]


def notice_texts(env: Env, who: Any = "zhang_account", first: int = 20) -> list[str]:
    """The texts of the notices `who` reads."""
    return [n["text"] for n in my_notices(env, who, first)]
