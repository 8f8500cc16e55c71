"""ISO/IEC 19794-2:2005 finger minutiae record (one finger view, no extended data).

Written with `struct` because no maintained Python package offers the format without pulling a deep
learning stack along (pyfing needs TensorFlow; nbis-python does not load on glibc 2.36).
Layout: 24-byte record header, 4-byte finger view header, 6 bytes per minutia, 2-byte extended
data length. Coordinates are pixels from the top-left corner; angles are counter-clockwise from the
x axis in units of 360/256 degrees; resolution is in pixels per centimetre.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

FORMAT_ID = b"FMR\x00"
VERSION = b" 20\x00"
_HEADER = struct.Struct(">4s4sIHHHHHBB")
_VIEW = struct.Struct(">BBBB")
_MINUTIA = struct.Struct(">HHBB")
_MINUTIA_DTYPE = np.dtype([("type_x", ">u2"), ("y", ">u2"), ("angle", "u1"), ("quality", "u1")])
ANGLE_UNIT = 2.0 * np.pi / 256.0
ENDING, BIFURCATION, OTHER = 1, 2, 0


class TemplateFormatError(ValueError):
    """The bytes are not an ISO/IEC 19794-2:2005 record this codec can read."""


@dataclass(frozen=True)
class MinutiaeRecord:
    """One finger view. minutiae: (n, 5) float64 columns x, y, theta (radians, counter-clockwise
    with y pointing up, i.e. the ISO convention), kind (ENDING/BIFURCATION/OTHER), quality 0..100."""

    position: int
    quality: int
    width: int
    height: int
    ppcm: int
    minutiae: np.ndarray


def quantise(minutiae: np.ndarray) -> np.ndarray:
    """Round to what the record can hold, so a template compares the same before and after storage."""
    m = np.asarray(minutiae, dtype=np.float64).reshape(-1, 5).copy()
    m[:, 0:2] = np.clip(np.rint(m[:, 0:2]), 0, 0x3FFF)
    m[:, 2] = (np.rint(np.mod(m[:, 2], 2 * np.pi) / ANGLE_UNIT) % 256) * ANGLE_UNIT
    m[:, 4] = np.clip(np.rint(m[:, 4]), 0, 100)
    return m


def encode(record: MinutiaeRecord) -> bytes:
    m = quantise(record.minutiae)
    if m.shape[0] > 255:
        raise ValueError("an ISO/IEC 19794-2 finger view holds at most 255 minutiae")
    rows = np.zeros(m.shape[0], dtype=_MINUTIA_DTYPE)
    rows["type_x"] = (m[:, 3].astype(np.uint16) & 0x3) << 14 | m[:, 0].astype(np.uint16)
    rows["y"] = m[:, 1].astype(np.uint16)
    rows["angle"] = (np.rint(m[:, 2] / ANGLE_UNIT).astype(np.int64) % 256).astype(np.uint8)
    rows["quality"] = m[:, 4].astype(np.uint8)
    body = _VIEW.pack(record.position, 0, record.quality, m.shape[0]) + rows.tobytes() + b"\x00\x00"
    length = _HEADER.size + len(body)
    header = _HEADER.pack(FORMAT_ID, VERSION, length, 0, record.width, record.height, record.ppcm,
                          record.ppcm, 1, 0)
    return header + bytes(body)


def decode(data: bytes) -> MinutiaeRecord:
    if len(data) < _HEADER.size + _VIEW.size + 2:
        raise TemplateFormatError("record too short")
    fmt, version, length, _device, width, height, ppcm, _ppcm_y, views, _ = _HEADER.unpack_from(data, 0)
    if fmt != FORMAT_ID or version != VERSION:
        raise TemplateFormatError("not an ISO/IEC 19794-2:2005 finger minutiae record")
    if length != len(data) or views != 1:
        raise TemplateFormatError("record length or finger view count does not match")
    position, _view, quality, count = _VIEW.unpack_from(data, _HEADER.size)
    offset = _HEADER.size + _VIEW.size
    if len(data) < offset + count * _MINUTIA.size + 2:
        raise TemplateFormatError("record truncated")
    raw = np.frombuffer(data, dtype=_MINUTIA_DTYPE, count=count, offset=offset)
    rows = np.column_stack([raw["type_x"] & 0x3FFF, raw["y"] & 0x3FFF, raw["angle"] * ANGLE_UNIT,
                            raw["type_x"] >> 14, raw["quality"]]).astype(np.float64)
    return MinutiaeRecord(position, quality, width, height, ppcm, rows)
