"""The event catalogue as an AsyncAPI 3.0 document, generated from the contracts' marshmallow schemas.

``python -m ektp_shared.contracts.asyncapi docs/asyncapi.yaml`` (``make asyncapi``). Producers come from
the contracts, consumers from the installed services' handlers, so the document says who publishes
and who subscribes to each event. Data schemas are OpenAPI 3.0 schema objects (apispec's marshmallow
converter), declared with their ``schemaFormat``.
"""
from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from . import CATALOG
from .catalog import Contract
from .envelope import DATA_CONTENT_TYPE, SPECVERSION, STRUCTURED_CONTENT_TYPE, TYPE_PREFIX

TRACEPARENT_PATTERN = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
SCHEMA_FORMAT = "application/vnd.oai.openapi;version=3.0.0"
EXCHANGE = "{namespace}.events"


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[._]", key))


def _data_schemas(contracts: list[Contract]) -> dict[str, Any]:
    spec = APISpec("events", "1", "3.0.3", plugins=[MarshmallowPlugin()])
    for contract in contracts:
        spec.components.schema(_camel(contract.key) + "Data", schema=contract.schema)
    return spec.to_dict()["components"]["schemas"]


def _envelope(contract: Contract) -> dict[str, Any]:
    return {
        "type": "object",
        "required": ["id", "source", "type", "specversion", "time", "correlationid", "data"],
        "properties": {
            "id": {"type": "string", "description": "Unique per event; consumers deduplicate on it."},
            "source": {"type": "string", "example": f"/ektp/{contract.producer}"},
            "type": {"type": "string", "enum": [contract.type]},
            "specversion": {"type": "string", "enum": [SPECVERSION]},
            "time": {"type": "string", "format": "date-time"},
            "subject": {"type": "string", "description": "The application id."},
            "datacontenttype": {"type": "string", "enum": [DATA_CONTENT_TYPE]},
            "correlationid": {"type": "string", "description": "CloudEvents extension: the application id."},
            "traceparent": {"type": "string", "pattern": TRACEPARENT_PATTERN, "maxLength": 512,
                            "example": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                            "description": "CloudEvents distributed-tracing extension: the W3C Trace Context of the span "
                                           "that emitted the event (present when the producer traces). A consumer "
                                           "continues it as the parent of its handling. A value that is not W3C Trace "
                                           "Context starts a new trace; only a non-string or one over 512 characters "
                                           "makes the envelope invalid."},
            "tracestate": {"type": "string", "maxLength": 8192,
                           "description": "CloudEvents distributed-tracing extension: W3C `tracestate` of that span, "
                                          "vendor-specific trace data (often absent)."},
            "data": {"$ref": f"#/components/schemas/{_camel(contract.key)}Data"},
        },
    }


def consumers_by_type() -> dict[str, list[str]]:
    from ..service import discover

    consumers: dict[str, list[str]] = {}
    for spec in discover().values():
        for event_type in spec.handlers.types:
            consumers.setdefault(event_type, []).append(spec.name)
    return consumers


def document(consumers: dict[str, list[str]] | None = None) -> dict[str, Any]:
    consumers = consumers_by_type() if consumers is None else consumers
    contracts = sorted(CATALOG.values(), key=lambda c: c.type)
    schemas = _data_schemas(contracts)
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    for contract in contracts:
        name = _camel(contract.key)
        messages[name] = {
            "name": contract.key, "title": contract.type, "summary": contract.summary,
            "contentType": STRUCTURED_CONTENT_TYPE,
            "correlationId": {"location": "$message.payload#/correlationid"},
            "payload": {"schemaFormat": SCHEMA_FORMAT, "schema": _envelope(contract)},
            "bindings": {"amqp": {"contentEncoding": "utf-8", "messageType": contract.type}},
        }
        channels[name] = {
            "address": contract.type, "messages": {name: {"$ref": f"#/components/messages/{name}"}},
            "description": f"Published by {contract.producer}; consumed by "
                           f"{', '.join(consumers.get(contract.type, [])) or 'no service of this suite'}.",
            "bindings": {"amqp": {"is": "routingKey", "exchange": {"name": EXCHANGE, "type": "topic", "durable": True,
                                                                   "autoDelete": False, "vhost": "/"}}},
        }
        operations[f"{contract.producer}Publishes{name}"] = {
            "action": "send", "channel": {"$ref": f"#/channels/{name}"},
            "summary": f"{contract.producer} publishes {contract.key} (outbox relay, publisher confirms).",
            "bindings": {"amqp": {"deliveryMode": 2}},
        }
        for consumer in consumers.get(contract.type, []):
            operations[f"{consumer}Receives{name}"] = {
                "action": "receive", "channel": {"$ref": f"#/channels/{name}"},
                "summary": f"{consumer} consumes {contract.key} from its quorum queue {{namespace}}.{consumer}.",
                "bindings": {"amqp": {"ack": True}},
            }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "e-KTP issuance platform events", "version": "1.0.0",
            "description": (
                "Every event is a CloudEvents 1.0 envelope in structured mode (JSON), published to one durable topic "
                f"exchange with the event type as routing key (`{TYPE_PREFIX}.<name>.v<major>`). The AMQP binary "
                "content mode (`cloudEvents:*` headers) is accepted too. Delivery is at least once; consumers "
                "deduplicate on `id`. A message that does not validate is parked with the reason. Events carry the "
                "CloudEvents distributed-tracing extension (`traceparent`, `tracestate`) when their producer traces: "
                "a consumer that traces continues the producer's trace."),
        },
        "defaultContentType": STRUCTURED_CONTENT_TYPE,
        "servers": {"production": {"host": "rabbitmq:5672", "protocol": "amqp", "protocolVersion": "0.9.1",
                                   "description": "RabbitMQ cluster (quorum queues, publisher confirms)."}},
        "channels": channels,
        "operations": operations,
        "components": {"messages": messages, "schemas": schemas},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Write the AsyncAPI document of the event catalogue.")
    parser.add_argument("output", type=Path)
    args = parser.parse_args()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(yaml.safe_dump(document(), sort_keys=False, allow_unicode=True, width=120))
    print(f"wrote {args.output} ({len(CATALOG)} events)")


if __name__ == "__main__":
    main()
