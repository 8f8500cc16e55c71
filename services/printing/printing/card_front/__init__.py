"""The e-KTP card front: fields, versioned layout template, rendering to PNG and PDF."""

from .fields import CardFields, Issue
from .kia import KIA_V1, KiaFields, render_kia
from .layout import Layout, PlacedText, PxBox, lay_out
from .render import CURRENT_TEMPLATE, TEMPLATES, CardFront, ImageError, draw, render, to_pdf, to_png
from .template import FrontTemplate

__all__ = [
    "CURRENT_TEMPLATE", "KIA_V1", "TEMPLATES", "CardFields", "CardFront", "FrontTemplate", "ImageError", "Issue",
    "KiaFields", "Layout", "PlacedText", "PxBox", "draw", "lay_out", "render", "render_kia", "to_pdf", "to_png",
]
