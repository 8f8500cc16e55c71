"""Ids in URL paths. Every resource id is a UUID; a value that is not one cannot name a row, so it gets
the same 404 as an unknown id, naming the path field."""
from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from .errors import ApiError


def path_uuid(value: str, field: str, message: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError as exc:
        raise ApiError(404, "not_found", message, field=field, location="path") from exc


def get_or_404(session: Session, model: type, value: str, field: str, message: str) -> Any:
    row = session.get(model, path_uuid(value, field, message))
    if row is None:
        raise ApiError(404, "not_found", message, field=field, location="path")
    return row
