"""Reading one field of a Wazapin request body: the typed readers and the errors they raise.

A missing field or a wrong JSON type is 400 (the docs' example: ``to is required``,
https://docsx.wazapin.com/api/errors); a value of the right type that cannot be used is
422 (designed). Every error names the field, so the older error body can list it.
"""

from __future__ import annotations

import re
from typing import Any

from ...web.http import ApiError

# ASCII only: a str pattern's \d also matches Arabic-Indic and full-width digits.
PHONE = re.compile(r"\+?[1-9]\d{6,14}", re.ASCII)
URL = re.compile(r"https?://[^\s/]+\S*")


def missing(field: str) -> ApiError:
    """400: a required field is absent (or null)."""
    return ApiError(400, "validation_error", f"{field} is required", field=field)


def wrong_type(field: str, expected: str) -> ApiError:
    """400: a field holds the wrong JSON type."""
    return ApiError(400, "validation_error", f"{field} must be {expected}", field=field)


def unusable(field: str, detail: str) -> ApiError:
    """422: a field has the right type but a value Wazapin cannot use."""
    return ApiError(422, "validation_error", detail, field=field)


def string(body: dict[str, Any], name: str, path: str, *, required: bool = True) -> str | None:
    """``body[name]`` as a string; ``path`` names it in errors. An optional field may be absent (None).

    >>> string({"to": "62812"}, "to", "to"), string({}, "caption", "content.caption", required=False)
    ('62812', None)
    """
    value = body.get(name)
    if value.__class__ is str and value:  # a non-empty JSON string: nothing more to check
        return value  # type: ignore[no-any-return]
    if value is None or (required and value == ""):
        if required:
            raise missing(path)
        return None
    if not isinstance(value, str):
        raise wrong_type(path, "a string")
    return value


def required_string(body: dict[str, Any], name: str, path: str) -> str:
    """``string()`` for a field that must be there."""
    value = string(body, name, path)
    assert value is not None
    return value


def json_object(body: dict[str, Any], name: str, path: str) -> dict[str, Any]:
    """``body[name]``, which must be a JSON object."""
    value = body.get(name)
    if value is None:
        raise missing(path)
    if not isinstance(value, dict):
        raise wrong_type(path, "an object")
    return value


def matching(body: dict[str, Any], name: str, path: str, pattern: re.Pattern[str], detail: str) -> str:
    """A required string that must match ``pattern`` (422 "``path`` must ``detail``" when it does not)."""
    value = required_string(body, name, path)
    if not pattern.fullmatch(value):
        raise unusable(path, f"{path} must {detail}")
    return value


def bounded(value: str, path: str, limit: int) -> str:
    """``value``, unless it is longer than ``limit`` characters (422)."""
    if len(value) > limit:
        raise unusable(path, f"{path} must be at most {limit} characters")
    return value
