"""JSON that keeps money exact: Decimal is written with its own digits, never via a float.

Used by the evaluate command and by the database's snapshot fields (core.jsonutil).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import msgspec
import orjson


def exact_number(value: Any) -> orjson.Fragment:
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value))
    if type(value) is msgspec.Raw:  # JSON already written (the batch's compact criteria)
        return orjson.Fragment(bytes(value))
    raise TypeError(type(value).__name__)


def dumps(data: Any, *, pretty: bool = False, sort_keys: bool = False) -> bytes:
    """JSON in UTF-8; Decimal as an exact JSON number; dates in ISO 8601."""
    option = (orjson.OPT_INDENT_2 if pretty else 0) | (orjson.OPT_SORT_KEYS if sort_keys else 0)
    return orjson.dumps(data, default=exact_number, option=option)
