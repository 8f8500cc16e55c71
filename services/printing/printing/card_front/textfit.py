"""Fitting a value into its box: shrink a little, then wrap, never overflow.

Sizes and widths are in the same unit (pixels at print resolution); `measure(text, size)` gives the
advance width of `text` at font size `size`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Measure = Callable[[str, float], float]

# Small steps keep the chosen size close to the largest that fits.
_STEP = 0.97


@dataclass(frozen=True)
class Fitted:
    size: float
    lines: tuple[str, ...]


def fit(text: str, width: float, size: float, min_size: float, max_lines: int, measure: Measure) -> Fitted:
    """The largest size (at most `size`) and the fewest lines that keep `text` inside `width`.

    Preference order: one line at `size`; one line shrunk down to `min_size`; up to `max_lines`
    wrapped lines at the largest size >= `min_size`; and only if none of those fit, whatever smaller
    size fits in `max_lines` — legibility gives way before the card boundary does.
    """
    if max_lines < 1:
        raise ValueError("max_lines must be at least 1")
    if measure(text, size) <= width:
        return Fitted(size, (text,))
    one_line = shrink_to_width(text, width, size, measure)
    if one_line >= min_size or max_lines == 1:
        return Fitted(one_line, (text,))
    current = size
    while True:
        lines = wrap(text, width, current, measure)
        if len(lines) <= max_lines:
            return Fitted(current, lines)
        current *= _STEP


def shrink_to_width(text: str, width: float, size: float, measure: Measure) -> float:
    """The largest size <= `size` at which `text` fits `width` on one line."""
    current = min(size, size * width / max(measure(text, size), 1e-9))
    # Hinting makes width only roughly proportional to size: confirm by measuring.
    while measure(text, current) > width:
        current *= 0.99
    return current


def wrap(text: str, width: float, size: float, measure: Measure) -> tuple[str, ...]:
    """Greedy word wrap; a word wider than the box is broken between characters."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        for char in word:
            if line and measure(line + char, size) > width:
                lines.append(line)
                line = ""
            line += char
    if line:
        lines.append(line)
    return tuple(lines)
