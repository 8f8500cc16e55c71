"""A finding: one rule an input broke, with a stable code and a message in Bahasa Indonesia and English."""

from __future__ import annotations

from typing import NamedTuple


class Finding(NamedTuple):
    code: str
    indonesian: str
    english: str

    def as_dict(self) -> dict:
        return {"code": self.code, "message": {"id": self.indonesian, "en": self.english}}
