"""SMS length and splitting: what a citizen's handset shows must be the whole text, in as few parts as the
standard allows."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from notify.rules import sms

GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
GSM_EXTENSION = "^{}\\[~]|€\f"


def test_an_indonesian_message_of_160_characters_goes_as_one_sms():
    text = ("Dukcapil: e-KTP Anda siap diambil. " * 5)[:160]
    segments = sms.split(text)
    assert (segments.encoding, segments.length, segments.parts) == (sms.GSM7, 160, (text,))


def test_one_character_more_makes_two_parts_of_at_most_153():
    text = "a" * 161
    segments = sms.split(text)
    assert [len(part) for part in segments.parts] == [153, 8]


def test_extension_characters_count_twice():
    assert sms.length("€") == 2
    assert sms.length("[RT 01]") == 9
    assert sms.length("{}|^~\\") == 12
    assert len(sms.split("€" * 80).parts) == 1
    assert len(sms.split("€" * 81).parts) == 2


def test_a_part_never_ends_inside_an_escape_sequence():
    # 152 septets then a two-septet euro: it does not fit in the first part's 153, so it opens the second.
    segments = sms.split("a" * 152 + "€" + "b" * 10)
    assert segments.parts == ("a" * 152, "€" + "b" * 10)
    assert all(not sms.encode(part, sms.GSM7).endswith(b"\x1b") for part in segments.parts)


@pytest.mark.parametrize("text", ["Halo ✓", "Tanda terima “EKTP-1”", "Пример", "零"])
def test_text_outside_gsm7_falls_back_to_ucs2(text):
    assert sms.split(text).encoding == sms.UCS2
    assert sms.split(text).data_coding == 0x08


def test_ucs2_limits_are_70_single_and_67_per_part():
    assert len(sms.split("✓" * 70).parts) == 1
    assert [len(part) for part in sms.split("✓" * 71).parts] == [67, 4]


def test_a_part_never_cuts_an_emoji_in_half():
    # 66 units then a surrogate pair (2 units) would make 68 > 67: the emoji moves to the next part.
    segments = sms.split("a" * 66 + "😀" + "b" * 5)
    assert segments.parts == ("a" * 66, "😀bbbbb")
    for part in segments.parts:
        sms.encode(part, sms.UCS2).decode("utf-16-be")  # each part decodes on its own


def test_characters_that_look_gsm_but_are_not():
    assert not sms.is_gsm7("`")  # smpplib's table maps it onto "§"
    assert sms.is_gsm7("§")
    assert not sms.is_gsm7("\x1b")  # the escape itself is not a character
    assert not sms.is_gsm7("á")  # only à, ä, å are in the alphabet


def test_concatenated_parts_carry_a_header_with_reference_total_and_number():
    segments = sms.split("x" * 200)
    payloads = sms.user_data(segments, reference=0x1234)
    assert [payload[:6] for payload in payloads] == [bytes([5, 0, 3, 0x34, 2, 1]), bytes([5, 0, 3, 0x34, 2, 2])]
    assert [len(payload) for payload in payloads] == [6 + 153, 6 + 47]


def test_a_single_sms_has_no_header():
    assert sms.user_data(sms.split("Halo"), reference=7) == (b"Halo",)


def test_an_empty_text_is_refused():
    with pytest.raises(ValueError):
        sms.split("")


def test_more_than_255_parts_is_refused():
    with pytest.raises(sms.SmsTooLong):
        sms.split("x" * (153 * 255 + 1))


gsm_texts = st.text(alphabet=GSM_BASIC + GSM_EXTENSION, min_size=140, max_size=700)  # long enough to split
any_texts = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400)


@given(st.one_of(gsm_texts, any_texts))
def test_parts_join_to_the_text_and_each_fits_and_decodes_alone(text):
    segments = sms.split(text)
    assert "".join(segments.parts) == text
    codec = "gsm03.38" if segments.encoding == sms.GSM7 else "utf-16-be"
    unit = 1 if segments.encoding == sms.GSM7 else 2
    limit = sms.SINGLE_LIMIT[segments.encoding] if len(segments.parts) == 1 else sms.PART_LIMIT[segments.encoding]
    for part in segments.parts:
        encoded = sms.encode(part, segments.encoding)
        assert len(encoded) // unit <= limit
        assert encoded.decode(codec) == part


@given(gsm_texts)
def test_a_gsm_text_uses_no_more_parts_than_needed(text):
    segments = sms.split(text)
    if segments.length <= 160:
        assert len(segments.parts) == 1
    else:
        # Each boundary may leave one septet unused (an escape sequence that did not fit).
        assert len(segments.parts) <= -(-segments.length // 152)
