"""Events the printing service publishes."""
from marshmallow import Schema, fields, validate

from .catalog import contract
from .common import OfficeSchema

COLLECTORS = ("applicant", "representative")


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
    collected_by = fields.String(required=True, validate=validate.OneOf(COLLECTORS))
    old_card = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(["handed_in", "reported_lost"]),
                             metadata={"description": "A replacement: the old card was handed in and withdrawn, or "
                                                      "reported lost. None for a first card."})
    old_card_serials = fields.List(fields.String(), load_default=list, metadata={
        "description": "Serials of the holder's earlier cards printed here, now void."})


class TemporaryLetterIssued(Schema):
    application_id = fields.UUID(required=True)
    letter_number = fields.String(required=True, metadata={"description": "Number of the Surat Keterangan."})
    issued_at = fields.AwareDateTime(required=True)
    valid_until = fields.Date(required=True)
    office = fields.Nested(OfficeSchema, required=True, metadata={"description": "Where the letter is collected."})


class PickupReminder(Schema):
    application_id = fields.UUID(required=True)
    reminder_number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    pickup_from = fields.Date(required=True)
    office = fields.Nested(OfficeSchema, required=True)


class CardRefusedAtPickup(Schema):
    application_id = fields.UUID(required=True)
    fields_ = fields.List(fields.String(validate=validate.Length(min=1, max=40)), required=True, data_key="fields",
                          attribute="fields", validate=validate.Length(min=1),
                          metadata={"description": "Printed fields the citizen found wrong (nama, alamat, ...)."})
    refused_at = fields.AwareDateTime(required=True)
    card_serial = fields.String(required=True, metadata={"description": "Serial of the refused card, now void."})


CARD_PRINTED = contract("card.printed", 1, CardPrinted, "printing", "The card was printed and passed the printer's checks.")
CARD_READY_FOR_PICKUP = contract(
    "card.ready_for_pickup", 1, CardReadyForPickup, "printing", "The card waits at the office from the given date.")
CARD_COLLECTED = contract("card.collected", 1, CardCollected, "printing", "The card was handed over.")
CARD_TEMPORARY_LETTER_ISSUED = contract(
    "card.temporary_letter_issued", 1, TemporaryLetterIssued, "printing",
    "The office is out of blank cards: a temporary identity letter (Surat Keterangan) was issued; the card stays queued.")
CARD_PICKUP_REMINDER = contract(
    "card.pickup_reminder", 1, PickupReminder, "printing",
    "The card has waited at the office uncollected: remind the citizen.")
CARD_REFUSED_AT_PICKUP = contract(
    "card.refused_at_pickup", 1, CardRefusedAtPickup, "printing",
    "The citizen refused the card for wrong fields; its serial is void and it is reprinted after the correction.")
