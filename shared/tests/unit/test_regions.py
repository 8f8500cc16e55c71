"""Kemendagri region lookups: what a form's region pickers and the NIK prefix check rely on."""

import pytest

from ektp_shared.reference.regions import (
    KABUPATEN,
    KOTA,
    Level,
    children,
    districts_listed,
    is_known,
    lineage,
    normalize_code,
    regency_kind,
    region,
    regions,
    succession,
)


@pytest.mark.parametrize(("code", "dotted"), [
    ("33", "33"), ("3374", "33.74"), ("33.74", "33.74"), ("337401", "33.74.01"),
    ("3374011001", "33.74.01.1001"), (" 33.74.01.1001 ", "33.74.01.1001"),
])
def test_codes_are_accepted_with_or_without_dots(code, dotted):
    assert normalize_code(code) == dotted


@pytest.mark.parametrize("code", ["", "3", "337", "33.7", "33-74", "33.74.01.100", "3374011001x", "٣٣"])
def test_malformed_codes_are_neither_normalised_nor_found(code):
    assert normalize_code(code) is None
    assert region(code) is None


def test_each_level_resolves_to_its_current_name():
    assert region("33").name == "Jawa Tengah"
    semarang = region("3374")
    assert (semarang.name, semarang.level, semarang.kind, semarang.current) == ("Kota Semarang", Level.REGENCY, KOTA, True)
    assert region("33.74.01").name == "Semarang Tengah"
    village = region("3374011001")
    assert (village.name, village.level, village.kind, village.parent_code) == ("Miroto", Level.VILLAGE, "KELURAHAN", "33.74.01")


def test_a_regency_dropped_in_the_papua_split_is_still_known_with_a_readable_name():
    merauke = region("91.01")
    assert merauke.current is False
    assert merauke.name == "Kabupaten Merauke"
    assert merauke.kind == KABUPATEN
    assert region("93.01").current is True  # Merauke's code since the split
    assert region("92.71").name == "Kota Sorong" and region("92.71").kind == KOTA


def test_unknown_codes_are_not_known():
    assert not is_known("99")
    assert not is_known("33.70")
    assert not is_known("33.74.99")
    assert not is_known("33.74.01.9999")
    assert is_known("91.01.01")


@pytest.mark.parametrize(("code", "kind"), [("11.01", KABUPATEN), ("11.69", KABUPATEN), ("11.71", KOTA),
                                            ("31.71", KOTA), ("11.70", None), ("11.00", None), ("11", None)])
def test_kind_of_regency_follows_the_kemendagri_numbering(code, kind):
    assert regency_kind(code) == kind


def test_current_regency_kinds_in_the_table_agree_with_the_numbering():
    regencies = regions(Level.REGENCY)
    assert sum(r.kind == KABUPATEN for r in regencies) == 416
    assert sum(r.kind == KOTA for r in regencies) == 98


def test_lineage_derives_every_name_from_a_village_code():
    assert [(r.code, r.name) for r in lineage("3374011001")] == [
        ("33", "Jawa Tengah"), ("33.74", "Kota Semarang"), ("33.74.01", "Semarang Tengah"), ("33.74.01.1001", "Miroto"),
    ]
    assert lineage("nonsense") == ()


def test_the_full_current_table_is_shipped():
    assert [len(regions(level)) for level in Level] == [38, 514, 7285, 83762]
    assert len(regions(Level.DISTRICT, include_historical=True)) == 7285 + 594
    assert len(regions(Level.REGENCY, include_historical=True)) == 514 + 26 + 5  # + Kalimantan Utara before 2012


def test_a_regency_retired_before_2016_is_known_with_its_successor():
    moved = succession("64.73")
    assert (moved.retired.name, moved.retired.current) == ("Kota Tarakan", False)
    assert (moved.successor.code, moved.successor.name) == ("65.71", "Kota Tarakan")
    assert (moved.in_force_until, moved.basis) == (2012, "UU 29/1997; UU 20/2012")
    assert succession("647301").retired.code == "64.73"  # a code under it finds the same succession
    assert not districts_listed("64.73") and districts_listed("91.01")


def test_every_retired_regency_has_a_current_successor_with_the_same_name_in_another_province():
    for code in ("64.04", "64.05", "64.06", "64.10", "64.73", "91.01", "91.02", "92.71"):
        moved = succession(code)
        assert moved.successor.current and not moved.retired.current
        assert moved.successor.name == moved.retired.name and moved.successor.code[:2] != code[:2]
    assert succession("33.74") is None and succession("nonsense") is None


def test_every_current_region_hangs_under_a_current_parent():
    for level in (Level.REGENCY, Level.DISTRICT, Level.VILLAGE):
        orphans = [r.code for r in regions(level) if region(r.parent_code) is None or not region(r.parent_code).current]
        assert orphans == []


def test_children_list_what_a_region_picker_offers():
    assert len(children()) == 38
    current_papua = children("91")
    with_history = children("91", include_historical=True)
    assert "91.01" not in {r.code for r in current_papua}
    assert "91.01" in {r.code for r in with_history}
    assert len(with_history) > len(current_papua)
    assert all(r.parent_code == "33.74.01" for r in children("337401"))
    assert children("not a code") == ()
