"""The family-card registry's file (CSV, or JSON: a list of the same rows) whose path is configuration; the
service ships a generated synthetic one for development and tests (`python -m verification.registry_generator`).
The rows and the comparison are rules/registry.py."""
from __future__ import annotations

import csv
import json
import threading
from importlib.resources import files
from pathlib import Path

from .rules.registry import FamilyRegistry

SHIPPED = "family_cards.csv"


def shipped_path() -> Path:
    return Path(str(files(__package__).joinpath("data", SHIPPED)))


def load(path: str | Path) -> FamilyRegistry:
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    rows = json.loads(text) if path.suffix == ".json" else list(csv.DictReader(text.splitlines()))
    return FamilyRegistry.from_rows(rows)


class RegistryFile:
    """The registry at ``path`` (the shipped synthetic one when empty), read again when the file changes:
    an operator replaces the SIAK extract without restarting the service."""

    def __init__(self, path: str):
        self.path = Path(path) if path else shipped_path()
        self._loaded: tuple[float, FamilyRegistry] | None = None
        self._lock = threading.Lock()

    def current(self) -> FamilyRegistry:
        modified = self.path.stat().st_mtime
        with self._lock:
            if self._loaded is None or self._loaded[0] != modified:
                self._loaded = (modified, load(self.path))
            return self._loaded[1]
