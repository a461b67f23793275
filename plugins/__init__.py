"""Bundled plugins: one folder per convenience measure (see docs/plugins.md)."""
