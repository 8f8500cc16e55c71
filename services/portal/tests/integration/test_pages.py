"""The portal's pages through a plain HTTP client (no JavaScript, as the simplest phone would): every step of an
application is a form and a page, CSRF tokens included, against a real intake."""
from __future__ import annotations

import re


def test_a_citizen_without_javascript_applies_and_gets_a_receipt(citizen):
    assert "Gratis" in citizen.visitor.open("/").get_data(as_text=True)
    citizen.submitted()
    words = citizen.visitor.words()
    assert re.search(r"KTP-\d{4}-\d{6}-[0-9A-Z]{6}-\S", words), words
