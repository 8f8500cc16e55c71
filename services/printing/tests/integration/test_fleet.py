"""The printer fleet: registering printers per office, rotation rules, and the back-off of retries."""
from __future__ import annotations

import pytest


def test_an_admin_registers_an_offices_printer_and_its_uri_is_shown_without_credentials(world):
    response = world.client.put("/v1/printers/bogor-1", headers=world.token("admin"),
                                json={"office_code": "DISDUKCAPIL-3201", "uri": "ipp://svc:s3cret@cups.bogor:631/printers/KTP"})
    assert response.status_code == 200, response.json
    assert response.json["uri"] == "ipp://cups.bogor:631/printers/KTP" and response.json["in_rotation"]
    listed = {p["name"]: p for p in world.client.get("/v1/printers", headers=world.token()).json}
    assert set(listed) == {"shared-1", "bogor-1"} and listed["shared-1"]["office_code"] == "*"
    assert world.client.put("/v1/printers/bogor-1", headers=world.token(), json={
        "office_code": "DISDUKCAPIL-3201", "uri": "ipp://cups/printers/KTP"}).status_code == 403, "admins only"


@pytest.mark.parametrize(("name", "body", "field"), [
    ("bogor-1", {"office_code": "DISDUKCAPIL-3201", "uri": "fax://cups.bogor/printers/KTP"}, "uri"),
    ("Bogor 1", {"office_code": "DISDUKCAPIL-3201", "uri": "ipp://cups.bogor/printers/KTP"}, "name"),
    ("bogor-1", {"office_code": "bogor", "uri": "ipp://cups.bogor/printers/KTP"}, "office_code"),
    ("bogor-1", {"office_code": "DISDUKCAPIL-3201"}, "uri"),
])
def test_a_bad_printer_is_refused_naming_the_field(world, name, body, field):
    response = world.client.put(f"/v1/printers/{name}", headers=world.token("admin"), json=body)
    assert response.status_code == 422 and [e["field"] for e in response.json["errors"]] == [field]


def test_an_operator_holds_a_printer_out_and_the_poll_does_not_bring_it_back(world, emulator):
    # The shared fleet serves every office: a national role holds it (an office's own printers, its operators).
    response = world.post("/v1/printers/shared-1/rotation", {"in_rotation": False, "reason": "ribbon change"}, "admin")
    assert response.status_code == 200 and response.json["out_reason"] == "held by an operator: ribbon change"
    world.poll()
    assert not world.client.get("/v1/printers", headers=world.token()).json[0]["in_rotation"]
    application_id = world.new_card()
    world.run_queue()
    assert world.card(application_id)["jobs"][0]["reason"] == "waiting: no printer of the office is in rotation"

    released = world.post("/v1/printers/shared-1/rotation", {"in_rotation": True, "reason": "ribbon changed"}, "admin")
    assert released.json["in_rotation"]
    world.run_queue()
    assert world.card(application_id)["state"] == "READY_FOR_PICKUP"
    assert world.post("/v1/printers/nope/rotation", {"in_rotation": True, "reason": "x y z"}).status_code == 404
