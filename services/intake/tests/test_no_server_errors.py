"""Whatever a client sends, intake answers 2xx or a 4xx naming the field — never a 500. Bodies are valid
ones with one value replaced by arbitrary JSON, or arbitrary JSON altogether (hypothesis)."""
from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
                    max_leaves=8)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from paths(inner, (*prefix, key))


def mutated(body, data):
    """The body with the value at one of its paths replaced (or the whole body, for the empty path)."""
    path = data.draw(st.sampled_from(list(paths(body))))
    replacement = data.draw(JSON)
    if not path:
        return replacement
    changed = copy.deepcopy(body)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = replacement
    return changed


def answered_properly(response) -> None:
    assert response.status_code < 500, response.get_data(as_text=True)
    if response.status_code >= 400:
        body = response.get_json()
        assert body["code"] and (body["errors"] or response.status_code in (404, 409)), body
        assert all(e["field"] for e in body["errors"]), body


@FUZZ
@given(data=st.data())
def test_creating_or_replacing_a_draft(intake, citizen, data):
    body = citizen(31)
    body["residence"] = None
    answered_properly(intake.client.post("/v1/applications", json=mutated(body, data)))
    draft = intake.client.post("/v1/applications", json=citizen(32)).get_json()["id"]
    answered_properly(intake.client.put(f"/v1/applications/{draft}", json=mutated(citizen(32), data)))


@FUZZ
@given(data=st.data())
def test_tracking_rescheduling_and_the_nik_check(intake, data):
    answered_properly(intake.client.post("/v1/applications/track", json=mutated(
        {"receipt_number": "KTP-3201-261127-ABCDEF-0", "nik": "3201015705000001"}, data)))
    answered_properly(intake.client.post("/v1/nik/validate", json=mutated(
        {"nik": "3201015705000001", "birth_date": "2000-05-17", "gender": "PEREMPUAN"}, data)))
    answered_properly(intake.client.post("/v1/applications/00000000-0000-4000-8000-000000000000/appointment/reschedule",
                                         json=mutated({"not_before": "2030-01-01"}, data)))
