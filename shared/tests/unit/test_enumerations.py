"""The values a form offers for the card's fields, as SIAK keeps them."""

import pytest

from ektp_shared.reference.enumerations import (
    FEMALE,
    MALE,
    WNA,
    WNI,
    Enumeration,
    choice,
    choices,
    nik_day_offset,
    values,
)


def test_every_enumeration_has_unique_codes_and_values():
    for enumeration in Enumeration:
        listed = choices(enumeration)
        assert listed, enumeration
        assert len({c.code for c in listed}) == len(listed)
        assert len({c.value for c in listed}) == len(listed)


def test_the_card_fields_offer_the_siak_values():
    assert values(Enumeration.JENIS_KELAMIN) == (MALE, FEMALE)
    assert values(Enumeration.KEWARGANEGARAAN) == (WNI, WNA)
    assert values(Enumeration.STATUS_PERKAWINAN) == ("BELUM KAWIN", "KAWIN", "CERAI HIDUP", "CERAI MATI")
    assert "KEPERCAYAAN TERHADAP TUHAN YME" in values(Enumeration.AGAMA)
    assert len(values(Enumeration.AGAMA)) == 7
    assert len(values(Enumeration.PEKERJAAN)) == 89
    assert {"DUTA BESAR", "PERANCANG BUSANA", "LAINNYA"} <= set(values(Enumeration.PEKERJAAN))


def test_an_unknown_blood_group_is_printed_as_a_dash():
    assert choice(Enumeration.GOLONGAN_DARAH, "TIDAK TAHU").printed_as == "-"
    assert choice(Enumeration.GOLONGAN_DARAH, "AB+").printed_as == "AB+"
    assert choice(Enumeration.GOLONGAN_DARAH, "Z") is None


def test_women_have_forty_added_to_the_nik_birth_day():
    assert nik_day_offset(MALE) == 0
    assert nik_day_offset(FEMALE) == 40
    with pytest.raises(ValueError):
        nik_day_offset("L")
