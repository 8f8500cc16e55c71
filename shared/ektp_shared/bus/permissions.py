"""What each service's broker user may do, as plain data derived from its topology and the event catalogue.

A service may declare, bind, read and write its own queues and the two shared exchanges, and nothing of
another service's. On the events exchange it may publish only the routing keys of the events it produces;
on the retry exchange only to its own retry queues and parking lot (topic permissions). Nothing may be
published to the default exchange (``amq.default``), which would reach any queue by name. The same data
configures the local RabbitMQ users (``make up``, the end-to-end tests, the chaos run) and renders the
Kubernetes Permission and TopicPermission resources.
"""
from __future__ import annotations

import dataclasses
import re

from ..contracts import CATALOG
from .topology import Topology


@dataclasses.dataclass(frozen=True)
class TopicPermission:
    exchange: str
    write: str
    read: str


@dataclasses.dataclass(frozen=True)
class BrokerPermissions:
    configure: str
    write: str
    read: str
    topics: tuple[TopicPermission, ...]


def produced_types(service: str) -> list[str]:
    return sorted(contract.type for contract in CATALOG.values() if contract.producer == service)


def permissions_of(topology: Topology) -> BrokerPermissions:
    namespace, own = re.escape(topology.namespace), re.escape(topology.queue)
    resources = rf"^({namespace}\.(events|retry)|{own}(\..+)?)$"
    produced = produced_types(topology.service)
    events = "^(" + "|".join(re.escape(t) for t in produced) + ")$" if produced else "^$"
    return BrokerPermissions(configure=resources, write=resources, read=resources, topics=(
        TopicPermission(topology.exchange, write=events, read=".*"),
        TopicPermission(topology.retry_exchange, write=rf"^{own}(\..+)?$", read=".*"),
    ))
