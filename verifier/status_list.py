"""The Token Status List format (draft-ietf-oauth-status-list) as the platform issues it: a CWT
(RFC 8392) behind the prefix SL2:, with the protected typ "application/statuslist+cwt"; claims 2
sub (the list's URI), 6 iat, 65534 ttl (seconds), 65533 status_list {"bits": 1 | 2 | 4 | 8, "lst":
zlib (RFC 1950) of the bit array}. The shape the strict codec (verifier/codec.py) checks, and the
list URIs a status reference names."""

from __future__ import annotations

import re
from typing import Any

from verifier.codec import Shape, natural, one_of

PREFIX = "SL2:"
CWT_SUB, CWT_IAT, CWT_TTL, CWT_STATUS_LIST = 2, 6, 65534, 65533
STATUS_LIST_TYP = "application/statuslist+cwt"
# a list's URI: the `sub` of its token, and the `uri` a referenced token's status claim names. A QR
# payload's claim 3 [list id, idx] is the compact form of {"status_list": {"idx": idx, "uri":
# STATUS_LIST_URI.format(list id)}}; the list is served at /credentials/status-lists/<list id>
STATUS_LIST_URI = "urn:traffic-admin:status-list:{}"
_LIST_URI = re.compile(r"urn:traffic-admin:status-list:(0|[1-9][0-9]{0,8})")


def list_id_of(uri: str) -> int | None:
    """The list id a status list URI names (STATUS_LIST_URI), or None."""
    match = _LIST_URI.fullmatch(uri) if isinstance(uri, str) else None
    return int(match.group(1)) if match else None


def _status_list_claim(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) == {"bits", "lst"}
        and one_of(1, 2, 4, 8)(value["bits"])
        and isinstance(value["lst"], bytes)
    )


STATUS_LIST_TOKEN = Shape(
    "SL2",
    {
        CWT_SUB: lambda v: list_id_of(v) is not None,
        CWT_IAT: natural,
        CWT_TTL: lambda v: natural(v) and v > 0,
        CWT_STATUS_LIST: _status_list_claim,
    },
    typ=STATUS_LIST_TYP,
)
