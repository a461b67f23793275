"""Opaque public identifiers and secret codes."""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U


def new_id() -> str:
    """A random 16-character identifier: unguessable, URL-safe, sortable-neutral."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(16))


def new_code(length: int = 8) -> str:
    """A short human-typable secret code (access codes, share codes)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
