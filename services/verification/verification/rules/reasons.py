"""Reason codes of officers' decisions (data, not scattered strings): what the officer picks, and what the
citizen's message is about. The officer writes the message itself."""

CORRECTION_REASONS = {
    "data_mismatch": "Data differs from the documents or the family-card registry.",
    "document_unreadable": "A document cannot be read (blurred, cut off, too dark).",
    "document_wrong": "A document is not the one asked for, or belongs to someone else.",
    "photo_not_compliant": "The photo does not meet the 4x6 rules an officer checks by eye (expression, glasses, head cover).",
    "other": "Another reason, explained in the message.",
}

REJECTION_REASONS = {
    "not_eligible": "The applicant may not have this card (age, citizenship, permit).",
    "document_forged": "A document is forged or altered.",
    "identity_mismatch": "The documents do not belong to the applicant.",
    "not_resident": "The applicant does not live in the office's area and did not move in.",
    "duplicate_identity": "The person already holds a NIK (found by biometric adjudication).",
    "other": "Another reason, explained in the message.",
}
