import re

from ektp_shared.contracts import CATALOG
from ektp_shared.contracts.asyncapi import document
from ektp_shared.contracts.envelope import TYPE_PREFIX


def test_every_event_type_is_versioned_under_the_platform_prefix():
    for event_type, contract in CATALOG.items():
        assert re.fullmatch(rf"{re.escape(TYPE_PREFIX)}\.[a-z_]+\.[a-z_]+\.v\d+", event_type)
        assert contract.key == event_type.removeprefix(TYPE_PREFIX + ".")


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_the_asyncapi_document_lists_every_event_with_resolvable_schemas():
    doc = document(consumers={next(iter(CATALOG)): ["somebody"]})
    assert doc["asyncapi"] == "3.0.0"
    assert {ch["address"] for ch in doc["channels"].values()} == set(CATALOG)
    for ref in _refs(doc):
        node = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert node, ref
    data = doc["components"]["schemas"]["ApplicationSubmittedV1Data"]
    assert {"application_id", "receipt_number", "applicant", "contact"} <= set(data["required"])
    receive = [op for op in doc["operations"].values() if op["action"] == "receive"]
    assert len(receive) == 1
