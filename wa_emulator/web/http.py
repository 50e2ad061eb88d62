"""Helpers every provider's handlers share: reading JSON bodies and raising API errors.

The envelope an error is rendered in belongs to the provider; this module only
says what went wrong.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import orjson
from aiohttp import web

RAW_BODY = web.RequestKey("raw_body", str)  # the body as read, for the journal (None until read)
CORRELATION_ID = web.RequestKey("correlation_id", str)  # the request id every provider call gets


class ApiError(Exception):
    """An error a handler answers with; the provider's front door renders it in its envelope.

    >>> ApiError(404, "message_not_found", "No message found.").status
    404
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.extra = extra


# Codes for body problems, shared so each provider can map them to its own words.
BODY_NOT_JSON = "body_not_json"
BODY_NOT_OBJECT = "body_not_object"
BODY_WRONG_CONTENT_TYPE = "unsupported_content_type"
BODY_TOO_LARGE = "body_too_large"
ROUTE_NOT_FOUND = "route_not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
INTERNAL = "internal_error"
CONTRACT_VIOLATION = "contract_violation"


# The stdlib encoder writes what orjson refuses (integers past 64 bits, non-string keys, unusual types).
_FALLBACK = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def dumps(data: Any) -> bytes:
    """The emulator's one JSON encoding for every body it answers or sends: compact, UTF-8.

    orjson does the work: rendering a status body through it costs about what writing the JSON
    text by hand did, and keeps bodies as plain dicts.

    >>> dumps({"a": [1, "é"], "b": None})
    b'{"a":[1,"\xc3\xa9"],"b":null}'
    """
    try:
        return orjson.dumps(data)
    except TypeError:
        return _FALLBACK.encode(data).encode()


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON response with the emulator's compact encoding."""
    return web.Response(body=dumps(data), status=status, headers=headers, content_type="application/json")


def too_large(request: web.Request) -> ApiError:
    return ApiError(413, BODY_TOO_LARGE, f"Request body is larger than the {request.client_max_size} bytes allowed.")


# json.loads() is three Python calls and two regex matches around this C scanner; a body that is one
# JSON value with no whitespace around it (what clients send) is read with the scanner alone.
_SCAN_JSON = json.decoder.JSONDecoder().scan_once


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or an ApiError saying exactly what is wrong with it."""
    if "Content-Type" in request.headers:
        content_type = request.content_type
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise ApiError(415, BODY_WRONG_CONTENT_TYPE, f"Content-Type must be application/json, not {content_type}.")
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large(request) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        request[RAW_BODY] = raw.decode("utf-8", "replace")
        raise ApiError(400, BODY_NOT_JSON, "Request body is not valid UTF-8.") from None
    request[RAW_BODY] = text
    if not text.strip():
        raise ApiError(400, BODY_NOT_JSON, "Request body is empty; a JSON object is required.")
    try:
        try:
            data, end = _SCAN_JSON(text, 0)
            if end != len(text):
                raise ValueError(end)
        except (StopIteration, ValueError):
            # Whitespace around the value, or not JSON: json.loads() reads the first and words the error.
            data = json.loads(text)
    except RecursionError:
        raise ApiError(400, BODY_NOT_JSON, "Request body is nested too deeply.") from None
    except ValueError as exc:
        raise ApiError(400, BODY_NOT_JSON, f"Request body is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise ApiError(400, BODY_NOT_OBJECT, "Request body must be a JSON object.")
    return data
