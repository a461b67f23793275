"""Shared registries: driving licences, vehicles (with electronic archives) and business applications."""
