"""Events the printing service publishes."""
from marshmallow import Schema, fields, validate

from .catalog import contract
from .common import OfficeSchema


class CardPrinted(Schema):
    application_id = fields.UUID(required=True)
    card_serial = fields.String(required=True, metadata={"description": "Serial of the blank card (blanko) consumed."})
    printed_at = fields.AwareDateTime(required=True)


class CardReadyForPickup(Schema):
    application_id = fields.UUID(required=True)
    pickup_from = fields.Date(required=True)
    office = fields.Nested(OfficeSchema, required=True)


class CardCollected(Schema):
    application_id = fields.UUID(required=True)
    collected_at = fields.AwareDateTime(required=True)
    collected_by = fields.String(required=True, validate=validate.OneOf(["applicant", "representative"]))


CARD_PRINTED = contract("card.printed", 1, CardPrinted, "printing", "The card was printed and passed the printer's checks.")
CARD_READY_FOR_PICKUP = contract(
    "card.ready_for_pickup", 1, CardReadyForPickup, "printing", "The card waits at the office from the given date.")
CARD_COLLECTED = contract("card.collected", 1, CardCollected, "printing", "The card was handed over.")
