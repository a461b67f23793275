"""Trusted documents: a client sends a document's id (its SHA-256 hash) instead of its text.

Partner clients send the same few documents millions of times. A document is registered once
(by the partner's administrator, or shipped in the repository) and from then on the client sends

- `{"documentId": "sha256:<64 hex>", "variables": ...}` (the GraphQL-over-HTTP persisted
  documents convention; the bare 64 hex digits are accepted too), or
- `{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "<64 hex>"}}, ...}` (Apollo's).

The id is the SHA-256 of the document's exact UTF-8 text. A registered document is parsed,
validated and measured once per process (the first time it is asked for) and kept by id: the
request path does a dictionary look-up and goes straight to execution (no parsing, no validation,
no hashing). A request may also send the text of a registered document: it is hashed (about 1 µs
per KB) and, when registered, runs as if sent by id (so a page that sends text keeps working where
only registered documents are allowed).

Where documents come from:
- **shipped** with the platform: every `*.graphql` file in `core/graphql/trusted_documents/` and
  in `plugins/<slug>/trusted_documents/` of the measures loaded; anyone may run them (citizens'
  and staff front ends use the same mechanism). A file is one document; its id is the SHA-256 of
  the file's exact bytes (what `sha256sum` prints), and the one normalisation accepted is the
  same text without the file's final line break (editors add one, pages send the text without
  it): both ids name the document. Its name (without `.graphql`) is the document's name.
- **registered** for one partner firm (`trustedDocumentRegister`, table `trusted_documents`): only
  that firm's tokens may run them. A worker that has not seen a registration yet finds it in the
  database on its first miss, so every worker sees it at once; a prepared firm document is
  re-checked against the database after RECHECK_SECONDS, so a removal
  (`trustedDocumentRemove`) stops it on every worker within that time.

Policy (`TRUSTED_DOCUMENTS`, docs/configuration.md): `partners` (the production default) lets
partner tokens run only registered documents; `all` every caller, anonymous included; `off` (the
development default) accepts any text. Ids are accepted in every mode. Refusals (HTTP 400):
`PERSISTED_QUERY_NOT_FOUND` (an id that names no document the caller may run) and
`TRUSTED_DOCUMENT_REQUIRED` (a text that is not registered where only registered ones may run).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Text, UniqueConstraint, select
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from core.ids import new_id

SHIPPED_FOLDER = "trusted_documents"
CORE_SHIPPED = Path(__file__).parent / SHIPPED_FOLDER
POLICIES = ("off", "partners", "all")
PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
TRUSTED_DOCUMENT_REQUIRED = "TRUSTED_DOCUMENT_REQUIRED"
MAX_DOCUMENT_CHARS = 20_000
RECHECK_SECONDS = 30.0  # a firm's prepared document is confirmed in the database this often
_HEX = re.compile(r"(?:sha256:)?([0-9a-f]{64})")


class TrustedDocument(SQLModel, table=True):
    """A document a partner firm registered: only its tokens may run it by id."""

    __tablename__ = "trusted_documents"
    __table_args__ = (UniqueConstraint("org_id", "sha256"),)

    id: str = Field(default_factory=new_id, primary_key=True, max_length=16)
    org_id: str = Field(foreign_key="partner_orgs.id", index=True, max_length=16)
    sha256: str = Field(max_length=64, index=True)  # hex of the UTF-8 text's SHA-256
    name: str = Field(max_length=100)
    text: str = Field(sa_type=Text)
    registered_at: dt.datetime
    registered_by: str = Field(max_length=40)  # the account id or client id that registered it


def document_id(text: str) -> str:
    """The id of a document: `sha256:` and the hex SHA-256 of its exact UTF-8 text."""
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


class BadDocumentId(ValueError):
    """The request names a document id in a form this API does not read."""


def requested_id(op: dict[str, Any]) -> str | None:
    """The hex hash the operation names (`documentId` or Apollo's persistedQuery extension), or
    None when it names none. Raises BadDocumentId for a malformed id or extension."""
    raw = op.get("documentId")
    if raw is None:
        extensions = op.get("extensions")
        if extensions is None:
            return None
        if not isinstance(extensions, dict):
            raise BadDocumentId("`extensions` must be an object.")
        persisted = extensions.get("persistedQuery")
        if persisted is None:
            return None
        if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
            raise BadDocumentId("`extensions.persistedQuery` must be {version: 1, sha256Hash}.")
        raw = persisted.get("sha256Hash")
    if not isinstance(raw, str) or not (match := _HEX.fullmatch(raw.lower())):
        raise BadDocumentId("A document id is `sha256:` followed by 64 hex digits.")
    return match.group(1)


@dataclass(frozen=True)
class ShippedDocument:
    name: str
    text: str
    path: Path


def shipped_documents(folders: Iterable[Path]) -> dict[str, ShippedDocument]:
    """Every `*.graphql` file in `folders`, by the hex hash of its text. Two files with the same
    text are one document."""
    found: dict[str, ShippedDocument] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.graphql")):
            text = path.read_bytes().decode("utf-8")
            document = ShippedDocument(path.stem, text, path)
            found[document_id(text)[7:]] = document  # the file's exact bytes
            if text.endswith("\n"):  # the one normalisation: without the final line break
                bare = text[:-2] if text.endswith("\r\n") else text[:-1]
                found.setdefault(document_id(bare)[7:], ShippedDocument(path.stem, bare, path))
    return found


def platform_folders(plugin_modules: Iterable[Any]) -> list[Path]:
    """The shipped-document folders: the core's and each loaded plugin's."""
    folders = [CORE_SHIPPED]
    for module in plugin_modules:
        file = getattr(module, "__file__", None)
        if file and Path(file).name == "__init__.py":
            folders.append(Path(file).parent / SHIPPED_FOLDER)
    return folders


class TrustedDocuments:
    """The documents callers may run by id, prepared once each (see the module docstring).

    `prepare` is the executor's uncached parse-and-validate (milliseconds: call `load` off the
    event loop); `find` is the hot path (a dictionary look-up)."""

    def __init__(self, engine: Engine, prepare: Any, shipped: dict[str, ShippedDocument]) -> None:
        self.engine = engine
        self._prepare = prepare
        self.shipped = shipped
        self._prepared: dict[tuple[str | None, str], Any] = {}  # (org id | None, hex) -> Prepared
        self._checked: dict[tuple[str, str], float] = {}  # (org id, hex) -> monotonic seconds
        self._lock = threading.Lock()
        self.monotonic = time.monotonic

    def find(self, hex_hash: str, org_id: str | None) -> Any | None:
        """The prepared document the caller may run (shipped, or its firm's), if prepared
        already and (a firm's) confirmed in the database within RECHECK_SECONDS; None otherwise
        (then call `load`)."""
        found = self._prepared.get((None, hex_hash))
        if found is None and org_id is not None:
            key = (org_id, hex_hash)
            found = self._prepared.get(key)
            if found is not None and self.monotonic() - self._checked.get(key, 0.0) > (
                RECHECK_SECONDS
            ):
                return None
        return found

    def load(self, hex_hash: str, org_id: str | None) -> Any | None:
        """Prepare a shipped document, or read the firm's registered one from the database and
        prepare it; None when the caller may run no document with this hash."""
        shipped = self.shipped.get(hex_hash)
        if shipped is not None:
            return self._keep((None, hex_hash), shipped.text)
        if org_id is None:
            return None
        table = TrustedDocument.__table__
        with self.engine.connect() as conn:
            text = conn.execute(
                select(table.c.text).where(table.c.sha256 == hex_hash, table.c.org_id == org_id)
            ).scalar()
        key = (org_id, hex_hash)
        if text is None:  # never registered, or removed since
            with self._lock:
                self._prepared.pop(key, None)
                self._checked.pop(key, None)
            return None
        kept = self._prepared.get(key)  # the same hash is the same text: prepared once
        prepared = kept if kept is not None else self._keep(key, text)
        self._checked[key] = self.monotonic()
        return prepared

    def _keep(self, key: tuple[str | None, str], text: str) -> Any:
        prepared = self._prepare(text)
        with self._lock:
            return self._prepared.setdefault(key, prepared)


def policy_applies(policy: str, actor_kind: str) -> bool:
    """Whether a caller of `actor_kind` may run only trusted documents under `policy`."""
    if policy == "all":
        return True
    return policy == "partners" and actor_kind == "PARTNER"
