"""The old name of helpers.py, kept only for tests/test_measure_settings.py (a top-level test that
imports QR_CREATE from here; the plugin sweep leaves top-level tests alone). Import from
`.helpers`; remove this module once that import is changed."""

from .helpers import QR_CREATE

__all__ = ["QR_CREATE"]
