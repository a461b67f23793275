"""Opaque public identifiers and secret codes.

Identifiers are 16 Crockford base32 characters (80 random bits) cut from a buffer that one
`os.urandom` call refills every 400 identifiers: unguessable (the bytes come from the operating
system's CSPRNG) without a system call per identifier, which showed in the write path's profile.
Secret codes that a person types (share codes, access codes) come straight from `secrets`.
"""

from __future__ import annotations

import os
import secrets
import threading

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
_ID_BYTES = 10  # 80 bits = 16 base32 characters
_REFILL = _ID_BYTES * 400


class _RandomPool:
    """Random bytes from os.urandom, handed out in slices; refilled when used up and after fork
    (a forked worker must not repeat its parent's identifiers)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._buffer = b""
        self._offset = 0
        self._pid = os.getpid()

    def take(self, size: int) -> bytes:
        with self._lock:
            if self._offset + size > len(self._buffer) or self._pid != os.getpid():
                self._buffer = os.urandom(_REFILL)
                self._offset = 0
                self._pid = os.getpid()
            chunk = self._buffer[self._offset : self._offset + size]
            self._offset += size
            return chunk


_POOL = _RandomPool()


def new_id() -> str:
    """A random 16-character identifier: unguessable, URL-safe, sortable-neutral."""
    value = int.from_bytes(_POOL.take(_ID_BYTES), "big")
    chars = []
    for _ in range(16):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(chars)


MAX_ID_LENGTH = 16


def lookup_id(value: object) -> str:
    """A record id sent by a client, as a lookup key: the text as sent when it can be an id (at
    most MAX_ID_LENGTH printable ASCII characters), else "" (which names no record, so the caller
    answers NOT_FOUND; a NUL byte would also be refused by PostgreSQL). Never cut: an id with
    trailing characters must find nothing, not the record its first 16 characters name."""
    text = str(value)
    if len(text) > MAX_ID_LENGTH or not all("!" <= ch <= "~" for ch in text):
        return ""
    return text


def new_code(length: int = 8) -> str:
    """A short human-typable secret code (access codes, share codes)."""
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))
