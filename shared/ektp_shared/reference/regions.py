"""Kemendagri region codes: provinsi, kabupaten/kota, kecamatan, desa/kelurahan, current and historical.

History: every code of the 2016–2025 versions, plus the regencies retired before 2016 (the 2012 split of
Kalimantan Utara from Kalimantan Timur), each retired regency with its successor (`succession`).

Codes are accepted with or without dots ("33.74.01" or "337401") and returned in the dotted Kemendagri form.
The province/regency/district tables (~15k rows) and the village table (~84k rows) load lazily, each once.
"""

from __future__ import annotations

import csv
import gzip
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import cache
from importlib.resources import files


class Level(IntEnum):
    PROVINCE = 1
    REGENCY = 2
    DISTRICT = 3
    VILLAGE = 4

    @property
    def digits(self) -> int:
        return (2, 4, 6, 10)[self - 1]


KABUPATEN = "KABUPATEN"
KOTA = "KOTA"

# [0-9], not \d: \d also matches other scripts' digits (e.g. Arabic-Indic).
_DOTTED = re.compile(r"[0-9]{2}(\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?)?")
_PLAIN = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}|[0-9]{10}")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    level: Level
    # KABUPATEN/KOTA for a regency, DESA/KELURAHAN/DESA_ADAT for a village, None otherwise.
    kind: str | None
    # False when the code is only in an older version (e.g. a regency before a province split).
    current: bool

    @property
    def digits(self) -> str:
        return self.code.replace(".", "")

    @property
    def parent_code(self) -> str | None:
        return self.code.rpartition(".")[0] or None


def normalize_code(code: str) -> str | None:
    """The dotted form of a region code, or None when it has no region-code shape."""
    code = code.strip()
    if _DOTTED.fullmatch(code):
        return code
    if _PLAIN.fullmatch(code):
        parts = [code[:2], code[2:4], code[4:6], code[6:]]
        return ".".join(part for part in parts if part)
    return None


def regency_kind(code: str) -> str | None:
    """KABUPATEN (3rd–4th digits 01–69) or KOTA (71–99): the Kemendagri numbering, so it holds for old codes too."""
    dotted = normalize_code(code)
    if dotted is None or len(dotted) < 5:
        return None
    number = int(dotted[3:5])
    if 1 <= number <= 69:
        return KABUPATEN
    if 71 <= number <= 99:
        return KOTA
    return None


def region(code: str) -> Region | None:
    """The region with this code in the current table, else in the historical one; None when unknown."""
    dotted = normalize_code(code)
    if dotted is None:
        return None
    if len(dotted) == 13:
        village = _villages().get(dotted)
        return None if village is None else Region(dotted, village[0], Level.VILLAGE, village[1], True)
    return _upper_levels().get(dotted)


@dataclass(frozen=True, slots=True)
class Succession:
    """A regency code retired when its regency moved to a new province, and the code it carries now."""

    retired: Region
    successor: Region
    in_force_from: int | None
    in_force_until: int
    # The law that moved it (e.g. "UU 20/2012").
    basis: str


def succession(code: str) -> Succession | None:
    """The succession of a retired regency code (or of a code under it), None when the regency is current."""
    dotted = normalize_code(code)
    return None if dotted is None else _successions().get(dotted[:5])


def districts_listed(regency_code: str) -> bool:
    """False for a regency retired before 2016: the kecamatan lists before then are not published as data."""
    return normalize_code(regency_code) in _regencies_with_districts()


@cache
def _regencies_with_districts() -> frozenset[str | None]:
    return frozenset(r.parent_code for r in _upper_levels().values() if r.level == Level.DISTRICT)


def is_known(code: str) -> bool:
    """True when the code exists in the current table or in any older version we carry."""
    return region(code) is not None


def lineage(code: str) -> tuple[Region, ...]:
    """The known regions from the province down to this code, e.g. for a village: province, regency, district, village."""
    dotted = normalize_code(code)
    if dotted is None:
        return ()
    parts = dotted.split(".")
    found = (region(".".join(parts[: i + 1])) for i in range(len(parts)))
    return tuple(r for r in found if r is not None)


def children(code: str | None = None, *, include_historical: bool = False) -> tuple[Region, ...]:
    """Regions directly under a code (provinces when code is None), ordered by code."""
    parent = None if code is None else normalize_code(code)
    if code is not None and parent is None:
        return ()
    index = _children_with_history() if include_historical else _children_current()
    return index.get(parent, ())


def regions(level: Level, *, include_historical: bool = False) -> tuple[Region, ...]:
    """Every region of a level, ordered by code."""
    return _by_level(level, include_historical)


@cache
def _by_level(level: Level, include_historical: bool) -> tuple[Region, ...]:
    if level == Level.VILLAGE:
        return tuple(Region(code, name, level, kind, True) for code, (name, kind) in sorted(_villages().items()))
    return tuple(
        r for r in sorted(_upper_levels().values(), key=lambda r: r.code)
        if r.level == level and (include_historical or r.current)
    )


@cache
def _children_current() -> dict[str | None, tuple[Region, ...]]:
    return _index_children(include_historical=False)


@cache
def _children_with_history() -> dict[str | None, tuple[Region, ...]]:
    return _index_children(include_historical=True)


def _index_children(include_historical: bool) -> dict[str | None, tuple[Region, ...]]:
    grouped: dict[str | None, list[Region]] = defaultdict(list)
    for level in Level:
        for r in regions(level, include_historical=include_historical):
            grouped[r.parent_code].append(r)
    return {parent: tuple(rs) for parent, rs in grouped.items()}


def _rows(name: str) -> Iterator[dict[str, str]]:
    with files(__package__).joinpath("data", "wilayah", name).open("rb") as raw:
        with gzip.open(raw, "rt", encoding="utf-8", newline="") as text:
            yield from csv.DictReader(text)


@cache
def _upper_levels() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for name, level in (("1_provinsi.csv.gz", Level.PROVINCE), ("2_kabupaten_kota.csv.gz", Level.REGENCY),
                        ("3_kecamatan.csv.gz", Level.DISTRICT)):
        for row in _rows(name):
            kind = regency_kind(row["code"]) if level == Level.REGENCY else None
            table[row["code"]] = Region(row["code"], row["name"], level, kind, True)
    for row in _rows("historical_codes_2016_2025.csv.gz"):
        code = row["code"]
        if code not in table:
            level = Level(int(row["level"]))
            kind = regency_kind(code) if level == Level.REGENCY else None
            table[code] = Region(code, _modern_name(row["name_latest"]), level, kind, False)
    for row in _successor_rows():
        if row["code"] not in table:
            table[row["code"]] = Region(row["code"], row["name"], Level.REGENCY, regency_kind(row["code"]), False)
    return table


def _successor_rows() -> list[dict[str, str]]:
    text = files(__package__).joinpath("data", "wilayah", "regency_successors.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _successions() -> dict[str, Succession]:
    table = _upper_levels()
    return {
        row["code"]: Succession(
            table[row["code"]], table[row["successor"]], int(row["in_force_from"]) if row["in_force_from"] else None,
            int(row["in_force_until"]), row["basis"],
        )
        for row in _successor_rows()
    }


@cache
def _villages() -> dict[str, tuple[str, str]]:
    # Kept as (name, kind) tuples: building 84k Region objects up front would double the load time.
    return {row["code"]: (row["name"], row["type"].upper()) for row in _rows("4_desa_kelurahan.csv.gz")}


def _modern_name(name: str) -> str:
    """Old versions spell names in capitals with "KAB." ("KAB. MERAUKE"); write them as the current table does."""
    if name != name.upper():
        return name
    if name.startswith("KAB. "):
        name = "Kabupaten " + name[len("KAB. "):]
    return name.title()
