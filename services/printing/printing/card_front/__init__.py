"""The e-KTP card front: fields, versioned layout template, rendering to PNG and PDF."""

from .fields import CardFields, Issue
from .layout import Layout, PlacedText, PxBox, lay_out
from .render import CURRENT_TEMPLATE, TEMPLATES, CardFront, ImageError, draw, render, to_pdf, to_png
from .template import FrontTemplate

__all__ = [
    "CURRENT_TEMPLATE", "TEMPLATES", "CardFields", "CardFront", "FrontTemplate", "ImageError", "Issue",
    "Layout", "PlacedText", "PxBox", "draw", "lay_out", "render", "to_pdf", "to_png",
]
