"""Every table module of the core, imported in one place so `create_all`, the migrations and the
tests always see the same complete metadata. Plugin tables are imported with their plugins."""

from core import accounts, audit, idempotency, outbox, registration, rollout  # noqa: F401
from core.documents import credentials, keys  # noqa: F401
from core.registries import applications, licences, vehicles  # noqa: F401
