"""The CloudEvents 1.0 envelope every event travels in (structured mode, JSON).

Routing key = the CloudEvents ``type``, e.g. ``id.go.dukcapil.ektp.application.submitted.v1``: a
reverse-DNS prefix, the event name, and the major version of its data schema. ``correlationid`` (an
extension attribute) is the application id, so one application can be followed across services. ``traceparent``
and ``tracestate`` (the CloudEvents distributed-tracing extension, W3C Trace Context) carry the trace the event
was emitted in when tracing is on; they are absent otherwise.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_dump, validate

SPECVERSION = "1.0"
TYPE_PREFIX = "id.go.dukcapil.ektp"
STRUCTURED_CONTENT_TYPE = "application/cloudevents+json"
DATA_CONTENT_TYPE = "application/json"


@dataclasses.dataclass(frozen=True)
class CloudEvent:
    id: str
    source: str
    type: str
    time: dt.datetime
    correlationid: str
    data: dict[str, Any]
    subject: str | None = None
    specversion: str = SPECVERSION
    datacontenttype: str = DATA_CONTENT_TYPE
    traceparent: str | None = None
    tracestate: str | None = None

    @classmethod
    def new(cls, *, source: str, type: str, data: dict[str, Any], correlationid: str, subject: str | None = None,
            time: dt.datetime | None = None, trace: dict[str, str] | None = None) -> "CloudEvent":
        return cls(id=str(uuid.uuid4()), source=source, type=type, time=time or dt.datetime.now(dt.timezone.utc),
                   correlationid=correlationid, data=data, subject=subject, **(trace or {}))

    def to_dict(self) -> dict[str, Any]:
        return _ENVELOPE.dump(self)


class EnvelopeSchema(Schema):
    """Validates a received envelope. Unknown extension attributes are tolerated."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True, validate=validate.Length(min=1, max=200))
    source = fields.String(required=True, validate=validate.Length(min=1, max=500))
    type = fields.String(required=True, validate=validate.Length(min=1, max=200))
    specversion = fields.String(required=True, validate=validate.Equal(SPECVERSION))
    time = fields.AwareDateTime(required=True, format="iso")
    subject = fields.String(load_default=None, allow_none=True)
    datacontenttype = fields.String(load_default=DATA_CONTENT_TYPE, validate=validate.Equal(DATA_CONTENT_TYPE))
    correlationid = fields.String(required=True, validate=validate.Length(min=1, max=200))
    data = fields.Dict(required=True)
    traceparent = fields.String(load_default=None, validate=validate.Length(max=512))
    tracestate = fields.String(load_default=None, validate=validate.Length(max=8192))

    @post_dump
    def _absent_trace(self, envelope: dict[str, Any], **_: Any) -> dict[str, Any]:
        """An event emitted without tracing has no trace attributes (CloudEvents has no null extension)."""
        for name in ("traceparent", "tracestate"):
            if envelope.get(name) is None:
                envelope.pop(name, None)
        return envelope


_ENVELOPE = EnvelopeSchema()  # schemas are reusable; building one per message costs more than using it


def load_envelope(payload: dict[str, Any]) -> CloudEvent:
    """Raise ``ValidationError`` naming the attribute when the envelope is not CloudEvents 1.0 as we use it."""
    if not isinstance(payload, dict):
        raise ValidationError({"_schema": ["the message body is not a JSON object"]})
    return CloudEvent(**_ENVELOPE.load(payload))


BINARY_HEADER_PREFIXES = ("cloudEvents:", "cloudEvents_")


def from_binary_mode(headers: dict[str, Any], data: Any) -> dict[str, Any]:
    """Rebuild a structured envelope from the AMQP binary content mode (attributes in ``cloudEvents:*`` headers)."""
    envelope: dict[str, Any] = {"data": data}
    for name, value in headers.items():
        for prefix in BINARY_HEADER_PREFIXES:
            if name.startswith(prefix):
                envelope[name[len(prefix):]] = value.decode() if isinstance(value, bytes) else value
    return envelope


def is_binary_mode(headers: dict[str, Any] | None) -> bool:
    return bool(headers) and any(str(name).startswith(BINARY_HEADER_PREFIXES) for name in headers)
