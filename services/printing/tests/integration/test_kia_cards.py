"""A child's identity card (KIA) in printing: it prints on its verification alone (no enrolment to wait for), on
its own front, with the photo uploaded at intake, and is handed only to the parent who applied."""
from __future__ import annotations

import hashlib
import io
import threading
import uuid

import pytest
from PIL import Image
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from ektp_shared.contracts import CloudEvent
from ektp_shared.contracts.verification import APPLICATION_VERIFIED
from ektp_shared.links import LinkSigner
from printing.portraits import PortraitUnavailable, fetch_photo

from ..conftest import OFFICE, holder

CHILD_NIK, PARENT = "3273014103160002", {"nik": "3273011507850001", "full_name": "Budi Santoso"}
PHOTO = {"kind": "photo", "document_id": str(uuid.uuid4()), "sha256": "ab" * 32, "content_type": "image/jpeg"}


def verified_kia(world, application_id: str) -> None:
    # The photo intake would serve (fetched by a signed link in the real profile), already in printing's own store.
    world.runtime.context.portraits.keep(application_id, world.portrait)
    # Marital status and occupation as intake sends a KIA's: implied, not asked.
    child = holder(nik=CHILD_NIK, full_name="Putri Ayu Lestari", birth_date="2016-03-01", marital_status="BELUM KAWIN",
                   occupation=None)
    event = CloudEvent.new(source="/ektp/verification", type=APPLICATION_VERIFIED.type, correlationid=application_id,
                           data={"application_id": application_id, "receipt_number": f"KIA-{application_id[:6].upper()}",
                                 "kind": "kia_new", "document_type": "kia", "verified_at": "2026-11-20T03:00:00+00:00",
                                 "card_holder": child, "office": OFFICE, "parent": PARENT, "photo": PHOTO})
    assert world.deliver_event(event) == "handled"


def test_a_kia_prints_on_its_verification_with_its_own_front_and_only_the_parent_collects_it(world, emulator):
    application_id = str(uuid.uuid4())
    verified_kia(world, application_id)
    card = world.card(application_id)
    assert (card["document_type"], card["state"]) == ("kia", "QUEUED_FOR_PRINT"), "no enrolment to wait for"

    world.run_queue()
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"
    assert world.event_keys(application_id) == ["card.printed.v1", "card.ready_for_pickup.v1"]
    front = world.client.get(f"/v1/cards/{application_id}/front.png", headers=world.token())
    assert front.status_code == 200 and Image.open(io.BytesIO(front.data)).size == (1011, 638)
    printed = sorted(emulator.output_dir.glob("*.png"))
    assert printed, "the emulator printed the card"

    receipt = f"KIA-{application_id[:6].upper()}"
    child = world.post(f"/v1/cards/{application_id}/handover", {"receipt_number": receipt, "nik": CHILD_NIK})
    assert child.status_code == 422 and [e["field"] for e in child.json["errors"]] == ["nik"]
    assert "parent who applied" in child.json["errors"][0]["message"]
    parent = world.post(f"/v1/cards/{application_id}/handover", {"receipt_number": receipt, "nik": PARENT["nik"]})
    assert parent.status_code == 200, parent.json
    assert (parent.json["state"], parent.json["collected_by"]) == ("COLLECTED", "applicant")


def test_the_parent_refuses_a_kia_for_its_own_fields(world):
    application_id = str(uuid.uuid4())
    verified_kia(world, application_id)
    world.run_queue()
    body = {"receipt_number": f"KIA-{application_id[:6].upper()}", "nik": PARENT["nik"]}
    not_on_a_kia = world.post(f"/v1/cards/{application_id}/refusal", {**body, "fields": ["pekerjaan"]})
    assert not_on_a_kia.status_code == 422 and [e["field"] for e in not_on_a_kia.json["errors"]] == ["fields"]
    assert "nama_orang_tua" in not_on_a_kia.json["errors"][0]["message"]
    refused = world.post(f"/v1/cards/{application_id}/refusal", {**body, "fields": ["nama_orang_tua"]})
    assert refused.status_code == 200, refused.json
    assert (refused.json["state"], refused.json["refused_fields"]) == ("AWAITING_CORRECTION", ["nama_orang_tua"])


def test_a_repeated_verification_makes_no_second_print_job(world):
    application_id = str(uuid.uuid4())
    verified_kia(world, application_id)
    verified_kia(world, application_id)
    assert world.job_states(application_id) == ["queued"]


def test_a_kias_photo_is_fetched_from_intake_by_a_signed_link_and_must_be_the_one_verified(portrait):
    """Intake's document contract (``GET /v1/documents/<id>``, a link signed with intake's key), served here by a
    small server as biometrics' tests do: a service never imports another; the real intake is in the real profile."""
    links = LinkSigner("intake-link-key")
    document_id = str(uuid.uuid4())

    def intake(environ, start_response):
        request = Request(environ)
        signed = links.verify(request.path, request.args.get("expires"), request.args.get("signature"))
        known = request.path == f"/v1/documents/{document_id}"
        response = Response(portrait) if signed and known else Response("no", status=403 if not signed else 404)
        return response(environ, start_response)

    server = make_server("127.0.0.1", 0, intake, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"
    try:
        photo = {**PHOTO, "document_id": document_id, "sha256": hashlib.sha256(portrait).hexdigest()}
        assert fetch_photo(url, links, photo) == portrait
        with pytest.raises(PortraitUnavailable, match="other than the one verified"):
            fetch_photo(url, links, {**photo, "sha256": "ab" * 32})
        with pytest.raises(PortraitUnavailable, match="intake answered 403"):
            fetch_photo(url, LinkSigner("another-key"), photo)
    finally:
        server.shutdown()
    with pytest.raises(PortraitUnavailable, match="intake did not answer"):
        fetch_photo(url, links, photo, timeout=2)
