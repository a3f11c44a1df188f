"""Base input schemas of the JSON API: every input is bounded in one place.

``StrictSchema`` (request bodies: unknown fields refused) and ``QuerySchema`` (query strings)
refuse, with a 422 naming the field, any string with a control character (tab and new lines
are allowed), any date outside ``core.inputs.DATE_MIN`` … ``DATE_MAX`` and any integer that does
not fit a 64-bit column — in every field, nested lists and dict keys included. ``PageQuery`` is
the one ``limit``/``offset`` pair of every list.
"""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Field, Schema
from pydantic import field_validator
from pydantic_core import PydanticCustomError

from gbvms.core import inputs

MAX_OFFSET = 1_000_000
MAX_LIMIT = 500


def _scalar_error(value: Any) -> PydanticCustomError | None:
    if isinstance(value, str) and inputs.has_control_characters(value):
        return PydanticCustomError(inputs.CONTROL_CODE, str(inputs.CONTROL_MESSAGE))
    in_range = inputs.INT_MIN <= value <= inputs.INT_MAX if isinstance(value, int) else True
    if not in_range:
        return PydanticCustomError(inputs.INT_CODE, str(inputs.INT_MESSAGE))
    if isinstance(value, datetime.date) and not inputs.date_in_range(value):
        return PydanticCustomError(inputs.DATE_CODE, inputs.date_message())
    return None


def _check(value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check(key)
            _check(item)
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            _check(item)
    else:
        error = _scalar_error(value)
        if error is not None:
            raise error


class BoundedInput(Schema):
    """Every field of an input schema passes ``_check`` (nested schemas check their own)."""

    @field_validator("*", mode="after")
    @classmethod
    def _bounded(cls, value: Any) -> Any:
        _check(value)
        return value


class StrictSchema(BoundedInput):
    """A request body: bounded, and unknown fields are refused."""

    model_config = {"extra": "forbid"}


class QuerySchema(BoundedInput):
    """Query-string parameters (``Query[...]``): bounded."""


class PageQuery(QuerySchema):
    """``limit`` and ``offset`` of a list (a huge offset is a 422, never a database error)."""

    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
