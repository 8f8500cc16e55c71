"""The published event catalogue and configuration reference match the code."""
from pathlib import Path

import yaml

from ektp_shared.contracts import CATALOG
from ektp_shared.contracts.asyncapi import document
from ektp_shared.service import discover
from ektp_shared.settings import markdown_table

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_committed_asyncapi_document_is_the_one_the_contracts_generate():
    committed = yaml.safe_load((DOCS / "asyncapi.yaml").read_text())
    assert committed == document(), "run `make asyncapi` and commit docs/asyncapi.yaml"


def test_every_consumed_event_has_a_contract():
    doc = document()
    addresses = {channel["address"] for channel in doc["channels"].values()}
    for name, spec in discover().items():
        for event_type in spec.handlers.types:
            assert event_type in addresses, f"{name} consumes {event_type}, which no contract declares"


def test_the_configuration_reference_is_current():
    committed = (DOCS / "configuration.md").read_text()
    assert markdown_table({name: spec.settings_class for name, spec in discover().items()}) in committed, \
        "run `make config-docs` and commit docs/configuration.md"


def test_the_readme_event_catalogue_names_every_event():
    readme = (DOCS.parent / "README.md").read_text()
    missing = [contract.key for contract in CATALOG.values() if f"`{contract.key}`" not in readme]
    assert not missing, f"README's event table lacks {missing}"
