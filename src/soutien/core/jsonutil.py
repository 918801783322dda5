"""JSON that keeps money exact: Decimal is written as a JSON number and read back as Decimal.

Used by the JSONFields that hold snapshots (evaluations) and the journal's data, so an amount
decided years ago reads back exactly as it was written, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from soutien.rules.jsonio import dumps as _dumps


def dumps(value: Any) -> str:
    return _dumps(value, sort_keys=True).decode("utf-8")


def loads(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


class DecimalEncoder(json.JSONEncoder):
    """For `JSONField(encoder=…)`: Django calls `json.dumps(value, cls=DecimalEncoder)`."""

    def encode(self, o: Any) -> str:
        return dumps(o)

    def iterencode(self, o: Any, _one_shot: bool = False):
        yield dumps(o)


class DecimalDecoder(json.JSONDecoder):
    """For `JSONField(decoder=…)`: numbers with a fraction come back as Decimal."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("parse_float", Decimal)
        super().__init__(*args, **kwargs)
