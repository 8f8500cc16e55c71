"""A parent applies for their child's identity card (KIA) in Chromium on a phone screen: signed in with their own
NIK, they choose the KIA, type the child's NIK and data and their own name, upload the child's papers (and the
child's photo from age 5), and get a receipt that names them. Every page is checked by axe-core (conftest.Tour)."""
from __future__ import annotations

import random

import pytest

from ektp_launcher.journey import sample_child
from ektp_launcher.portal_journey import apply


@pytest.mark.parametrize("ages", [(5, 16), (0, 4)], ids=["with-photo", "under-5"])
def test_a_parent_applies_for_a_childs_card_from_the_start_page_to_the_receipt(tour_of, live_portal, intake, ages):
    child = sample_child(random.Random(3), ages=ages)
    tour = tour_of(live_portal, "id")
    assert apply(tour, child, intake.code_for)
    assert f"Kartu Identitas Anak (KIA), diajukan oleh orang tua {child.parent['full_name']}." in \
        tour.page.locator("main").inner_text()
