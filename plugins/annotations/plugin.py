"""Pelican plugin: annotations marked in the report and their own pages."""
from __future__ import annotations


def register() -> None:
    pass
