"""The civil documents the platform issues, and which steps of the journey each one skips.

Every application event names its ``document_type``; a consumer whose step a document type skips leaves its
events alone, and the next step takes the journey on from the event before. The child's identity card (KIA,
Permendagri 2/2016) has no biometric capture: printing prints it once verification has approved it.
"""
from __future__ import annotations

import enum

from marshmallow import fields, validate


class DocumentType(str, enum.Enum):
    EKTP = "ektp"  # KTP-el, the electronic identity card (17 or older, or married)
    KIA = "kia"  # Kartu Identitas Anak, the child's identity card (under 17)


class Step(str, enum.Enum):
    VERIFICATION = "verification"
    BIOMETRICS = "biometrics"  # capture appointment, capture, 1:1 and 1:N, enrolment
    PRINTING = "printing"
    PICKUP = "pickup"


SKIPPED_STEPS: dict[DocumentType, frozenset[Step]] = {
    DocumentType.EKTP: frozenset(),
    DocumentType.KIA: frozenset({Step.BIOMETRICS}),
}


def skips(document_type: str | None, step: Step) -> bool:
    """Whether applications for this document type (None: the e-KTP, as events before the field) skip the step."""
    return step in SKIPPED_STEPS[DocumentType(document_type or DocumentType.EKTP.value)]


def document_type_field() -> fields.String:
    """The ``document_type`` of an application event: absent in events published before it existed (e-KTP)."""
    return fields.String(load_default=DocumentType.EKTP.value, validate=validate.OneOf([d.value for d in DocumentType]),
                         metadata={"description": "ektp (KTP-el) or kia (Kartu Identitas Anak). A kia application "
                                                  "skips biometrics: no capture appointment, no capture; printing "
                                                  "prints on application.verified."})
