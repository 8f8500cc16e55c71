"""Fields of query strings. A query string carries text, so marshmallow's ``Integer(strict=True)`` (which
refuses anything that is not already an int) refuses every value there; ``QueryInteger`` takes whole
numbers written as digits and still refuses ``7.9`` or ``2.6e-42``, which ``Integer()`` would truncate."""
from __future__ import annotations

import re
from typing import Any

from marshmallow import fields

DIGITS = re.compile(r"^[+-]?[0-9]{1,9}$")


class QueryInteger(fields.Integer):
    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str) and DIGITS.match(value.strip()):
            return int(value)
        raise self.make_error("invalid")
