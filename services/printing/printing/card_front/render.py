"""Drawing the card front: a 300 dpi image, and a PDF page of exactly the card's size."""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps, UnidentifiedImageError
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from .fields import CardFields, Issue
from .fonts import FontMetrics, font
from .front_v1 import FRONT_V1
from .layout import Layout, PxBox, lay_out
from .template import FrontTemplate, Palette

CURRENT_TEMPLATE = FRONT_V1
TEMPLATES = {template.version: template for template in (FRONT_V1,)}
_SIGNATURE_INK = (20, 20, 60)


class ImageError(ValueError):
    """The portrait or signature image cannot be decoded."""


@dataclass(frozen=True)
class CardFront:
    png: bytes
    pdf: bytes
    template_version: str
    layout: Layout | None  # None for a front drawn without the e-KTP layout (the KIA's)


def render(card: CardFields, portrait: bytes, issue: Issue, signature: bytes | str,
           template: FrontTemplate = CURRENT_TEMPLATE) -> CardFront:
    """The card front as PNG and PDF. `signature` is an image (ink on a light or transparent
    background) or, for a holder who cannot sign, the text to print in its place."""
    layout = lay_out(card, issue, template, FontMetrics(),
                     signature_text=signature if isinstance(signature, str) else None)
    image = draw(layout, portrait, signature if isinstance(signature, bytes) else None)
    png = to_png(image, template)
    return CardFront(png=png, pdf=to_pdf(image, template), template_version=template.version, layout=layout)


def draw(layout: Layout, portrait: bytes, signature_image: bytes | None) -> Image.Image:
    image = _background(layout.size, layout.palette)
    pen = ImageDraw.Draw(image)
    _paste_photo(image, layout.photo, _open("portrait", portrait))
    if signature_image is not None:
        _paste_signature(image, layout.signature, _open("signature", signature_image))
    for text in layout.texts:
        pen.text((text.x, text.y), text.text, font=font(text.style, text.size), fill=layout.palette.text,
                 anchor="ls")
    return image


def to_png(image: Image.Image, template: FrontTemplate = CURRENT_TEMPLATE) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(template.dpi, template.dpi))
    return out.getvalue()


def to_pdf(image: Image.Image, template: FrontTemplate = CURRENT_TEMPLATE, title: str | None = None) -> bytes:
    """One page of exactly the card's size holding the 300 dpi image, embedded losslessly: the
    printed card is pixel for pixel the front an operator previewed."""
    out = io.BytesIO()
    size = (template.width_mm * mm, template.height_mm * mm)
    # invariant: no creation date or random id, so the same card gives the same bytes.
    pdf = canvas.Canvas(out, pagesize=size, invariant=1, pageCompression=1)
    pdf.setTitle(title or f"e-KTP front ({template.version})")
    pdf.drawImage(ImageReader(image), 0, 0, width=size[0], height=size[1])
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _open(what: str, data: bytes) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError) as exc:
        raise ImageError(f"{what}: not a decodable image") from exc
    return ImageOps.exif_transpose(image)


def _background(size: tuple[int, int], palette: Palette) -> Image.Image:
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    image = Image.composite(Image.new("RGB", size, palette.background_bottom),
                            Image.new("RGB", size, palette.background_top), gradient)
    pen = ImageDraw.Draw(image)
    # A fine guilloche of interfering waves, as on security printing; purely decorative here.
    for k in range(18):
        phase = k * 0.35
        base = height * (k + 0.5) / 18
        amplitude = height * 0.035
        points = [(x, base + amplitude * math.sin(x / 37.0 + phase) + amplitude * 0.5 * math.sin(x / 11.0 - phase))
                  for x in range(0, width + 1, 3)]
        pen.line(points, fill=palette.pattern, width=1)
    return image


def _paste_photo(card: Image.Image, box: PxBox, photo: Image.Image) -> None:
    size = (round(box.x1) - round(box.x0), round(box.y1) - round(box.y0))
    # Crop to the box's aspect, keeping the upper part (the face) rather than the exact centre.
    fitted = ImageOps.fit(photo.convert("RGB"), size, Image.Resampling.LANCZOS, centering=(0.5, 0.4))
    card.paste(fitted, (round(box.x0), round(box.y0)))


def _paste_signature(card: Image.Image, box: PxBox, signature: Image.Image) -> None:
    size = (round(box.x1) - round(box.x0), round(box.y1) - round(box.y0))
    grey_alpha = signature.convert("LA")
    grey, alpha = grey_alpha.split()
    # Ink is what is dark and opaque; the paper (white or transparent) lets the card show through.
    ink = Image.composite(ImageOps.invert(grey), Image.new("L", grey.size, 0), alpha)
    ink = ImageOps.contain(ink, size, Image.Resampling.LANCZOS)
    offset = (round(box.x0) + (size[0] - ink.width) // 2, round(box.y0) + (size[1] - ink.height) // 2)
    card.paste(Image.new("RGB", ink.size, _SIGNATURE_INK), offset, ink)
