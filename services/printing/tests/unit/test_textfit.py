"""Fitting values into boxes, with a simple monospaced measure: each character is half the size wide."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from printing.card_front.textfit import fit, wrap


def mono(text: str, size: float) -> float:
    return len(text) * size * 0.5


def test_a_value_that_fits_keeps_the_nominal_size_on_one_line():
    assert fit("BANDUNG", width=100, size=10, min_size=8, max_lines=2, measure=mono).lines == ("BANDUNG",)
    assert fit("BANDUNG", width=100, size=10, min_size=8, max_lines=2, measure=mono).size == 10


def test_a_slightly_long_value_shrinks_before_it_wraps():
    fitted = fit("A" * 22, width=100, size=10, min_size=8, max_lines=2, measure=mono)  # 110 wide at 10
    assert fitted.lines == ("A" * 22,)
    assert 8 <= fitted.size < 10
    assert mono(fitted.lines[0], fitted.size) <= 100


def test_a_long_value_wraps_at_words_at_the_nominal_size():
    fitted = fit("SITI NURHALIZA BINTI ABDULLAH", width=90, size=10, min_size=8, max_lines=2, measure=mono)
    assert fitted == fitted.__class__(10, ("SITI NURHALIZA", "BINTI ABDULLAH"))


def test_a_value_too_long_for_its_lines_shrinks_until_it_fits():
    fitted = fit(" ".join(["WORD"] * 30), width=100, size=10, min_size=8, max_lines=2, measure=mono)
    assert len(fitted.lines) <= 2 and fitted.size < 8
    assert all(mono(line, fitted.size) <= 100 for line in fitted.lines)


def test_a_single_line_field_shrinks_below_the_floor_rather_than_overflow():
    fitted = fit("X" * 80, width=100, size=10, min_size=8, max_lines=1, measure=mono)
    assert fitted.lines == ("X" * 80,) and mono(fitted.lines[0], fitted.size) <= 100


def test_a_word_wider_than_the_box_is_broken_between_characters():
    assert wrap("ABCDEFGHIJ KL", width=20, size=10, measure=mono) == ("ABCD", "EFGH", "IJ", "KL")


@given(text=st.lists(st.text("ABC XYZ-.,", min_size=1, max_size=40), min_size=1, max_size=15).map(" ".join)
       .filter(str.strip),
       width=st.floats(20, 400), max_lines=st.integers(1, 3))
def test_fitted_text_never_exceeds_the_width_or_the_lines_and_loses_nothing(text, width, max_lines):
    text = " ".join(text.split())
    fitted = fit(text, width=width, size=10, min_size=7, max_lines=max_lines, measure=mono)
    assert 1 <= len(fitted.lines) <= max_lines
    assert all(mono(line, fitted.size) <= width for line in fitted.lines)
    assert "".join(fitted.lines).replace(" ", "") == text.replace(" ", "")
    assert 0 < fitted.size <= 10
