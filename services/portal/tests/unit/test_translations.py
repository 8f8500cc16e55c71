"""Every text the portal shows is written in Bahasa Indonesia and has its English; the compiled catalogue the
portal loads is the one the .po says (make translations keeps them together)."""
from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

PORTAL = Path(__file__).resolve().parents[2]
ENGLISH = PORTAL / "portal" / "translations" / "en" / "LC_MESSAGES"
METHODS = [("portal/**.py", "python"), ("portal/templates/**.html", "jinja2")]
OPTIONS = {"portal/templates/**.html": {"extensions": "jinja2.ext.do"}}


def texts_in_the_code() -> set[str]:
    keywords = {"_": None, "gettext": None, "_l": None, "lazy_gettext": None}
    return {message for _, _, message, _, _ in extract_from_dir(str(PORTAL), METHODS, OPTIONS, keywords)
            if isinstance(message, str)}


def test_every_text_of_the_portal_has_its_english():
    english = read_po((ENGLISH / "messages.po").open("rb"))
    texts = texts_in_the_code()
    assert len(texts) > 200
    missing = sorted(text for text in texts if not (english.get(text) and english.get(text).string))
    assert not missing, f"no English for {missing[:5]} (run make translations, then translate)"


def test_the_compiled_catalogue_is_the_one_the_po_gives():
    english = read_po((ENGLISH / "messages.po").open("rb"))
    compiled = read_mo((ENGLISH / "messages.mo").open("rb"))
    assert {m.id: m.string for m in english if m.id} == {m.id: m.string for m in compiled if m.id}
