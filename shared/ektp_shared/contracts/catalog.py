"""The event catalogue: one ``Contract`` per event type, each with the marshmallow schema of its data.

Producers declare their contracts in the module named after them (``intake.py``, ...). A contract's type
carries its major version; a breaking change of the data is a new contract (``...v2``) published beside
the old one until every consumer has moved.
"""
from __future__ import annotations

import dataclasses
import functools

from marshmallow import Schema

from .envelope import TYPE_PREFIX


@dataclasses.dataclass(frozen=True)
class Contract:
    name: str
    version: int
    schema: type[Schema]
    producer: str
    summary: str

    @property
    def key(self) -> str:
        """Short name used in metric labels and logs, e.g. ``application.submitted.v1``."""
        return f"{self.name}.v{self.version}"

    @property
    def schema_instance(self) -> Schema:
        """One shared instance: building a marshmallow schema costs more than using it."""
        return _instance(self.schema)

    @property
    def type(self) -> str:
        """The CloudEvents type, which is also the AMQP routing key."""
        return f"{TYPE_PREFIX}.{self.key}"


CATALOG: dict[str, Contract] = {}


@functools.cache
def _instance(schema: type[Schema]) -> Schema:
    return schema()


def contract(name: str, version: int, schema: type[Schema], producer: str, summary: str) -> Contract:
    declared = Contract(name, version, schema, producer, summary)
    if declared.type in CATALOG:
        raise ValueError(f"event type declared twice: {declared.type}")
    CATALOG[declared.type] = declared
    return declared


def by_type(event_type: str) -> Contract | None:
    return CATALOG.get(event_type)
