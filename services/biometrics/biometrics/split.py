"""The evaluation's data split: a development part, on which calibration, thresholds and the capture policy
are fitted, and a test part, which is what gets reported. No person is in both.

The split is by subject (a face identity) and fixed: subjects are ordered by a salted SHA-256 of their
name and dealt alternately to the two parts, within each group (the East/South-East Asian subgroup and
the rest separately), so both parts hold half of each group, and adding subjects never moves old ones
between parts unless they share a group's order with the new ones. The salt names the split's version.
"""
from __future__ import annotations

import hashlib
from collections.abc import Collection, Iterable

SALT = "ektp-split-1"
DEVELOPMENT = "development"
TEST = "test"


def _key(subject: str) -> str:
    return hashlib.sha256(f"{SALT}:{subject}".encode()).hexdigest()


def split(subjects: Iterable[str], groups: Collection[Collection[str]] = ()) -> dict[str, str]:
    """{subject: DEVELOPMENT | TEST}. Subjects in one of ``groups`` are dealt within their group."""
    subjects = sorted(set(subjects))
    parts: dict[str, str] = {}
    pools = [[s for s in subjects if s in group] for group in groups]
    pools.append([s for s in subjects if not any(s in group for group in groups)])
    for pool in pools:
        for i, subject in enumerate(sorted(pool, key=_key)):
            parts.setdefault(subject, DEVELOPMENT if i % 2 == 0 else TEST)
    return parts


def describe(parts: dict[str, str]) -> dict:
    """What the summary records of a split: its version and each part's subjects."""
    return {"salt": SALT, "by": "subject (face identity): no person is in both parts",
            DEVELOPMENT: sorted(s for s, p in parts.items() if p == DEVELOPMENT),
            TEST: sorted(s for s, p in parts.items() if p == TEST)}
