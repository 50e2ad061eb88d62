"""Helpers every provider's handlers share: reading JSON bodies and raising API errors.

The envelope an error is rendered in belongs to the provider; this module only
says what went wrong.
"""

from __future__ import annotations

import json
import re
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
BODY_UNENCODABLE = "unencodable_text"
BODY_ENCODED = "unsupported_content_encoding"
ROUTE_NOT_FOUND = "route_not_found"
METHOD_NOT_ALLOWED = "method_not_allowed"
INTERNAL = "internal_error"
CONTRACT_VIOLATION = "contract_violation"


# The stdlib encoder writes what orjson refuses (integers past 64 bits, non-string keys, unusual types,
# a lone surrogate: written back as its JSON escape, so no stored text can make an answer fail).
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
        return _FALLBACK.encode(data).encode("utf-8", "backslashreplace")


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> web.Response:
    """A JSON response with the emulator's compact encoding."""
    return web.Response(body=dumps(data), status=status, headers=headers, content_type="application/json")


def whole_number(raw: str, low: int, high: int) -> int | None:
    """``raw`` (a query parameter) as a whole number from ``low`` to ``high``, or None if it is not one.

    Only ASCII digits count: ``str.isdigit()`` is true for "³", which ``int()`` then refuses; and the
    length is checked before converting, so 40 (or 5,000) digits cost nothing.

    >>> [whole_number(raw, 1, 100) for raw in ("20", "³", "-1", "9" * 40)]
    [20, None, None, None]
    """
    if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def too_large(request: web.Request) -> ApiError:
    return ApiError(413, BODY_TOO_LARGE, f"Request body is larger than the {request.client_max_size} bytes allowed.")


# json.loads() is three Python calls and two regex matches around this C scanner; a body that is one
# JSON value with no whitespace around it (what clients send) is read with the scanner alone.
_SCAN_JSON = json.decoder.JSONDecoder().scan_once


async def read_body(request: web.Request) -> bytes:
    """The request body's bytes as sent, within the body limit (413 past it, 415 if it is encoded).

    Every API reads its bodies through here (``read_json_object`` does), so a body that cannot be
    read is refused the same way on every route.
    """
    headers = request.headers
    if "Content-Encoding" in headers:
        refuse_encoded(headers["Content-Encoding"])
    try:
        return await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large(request) from None


def refuse_encoded(encoding: str) -> None:
    """Refuse a body sent with a ``Content-Encoding`` other than ``identity`` (415).

    None of the emulated providers documents compressed request bodies; refusing them (rather
    than inflating them) keeps a small gzip "bomb" from growing in memory past the body limit.

    >>> refuse_encoded("identity")
    >>> refuse_encoded("gzip")
    Traceback (most recent call last):
    ...
    wa_emulator.web.http.ApiError: Content-Encoding gzip is not accepted; send the body uncompressed.
    """
    if encoding.strip().lower() in ("", "identity"):
        return
    shown = encoding.encode("ascii", "backslashreplace").decode()[:40]
    raise ApiError(415, BODY_ENCODED, f"Content-Encoding {shown} is not accepted; send the body uncompressed.")


# A JSON escape of a UTF-16 surrogate (d800-dfff). A pair of them is one character; a lone one is
# valid JSON that decodes to a str no UTF-8 encoder can write, so storing it breaks every later
# answer that shows it. Only a body holding such an escape is walked.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def unencodable_field(value: Any) -> str | None:
    """The path of the first string (key or value) in ``value`` that is not encodable as UTF-8, or None.

    Keys join with dots, list items are ``[n]``; a bad key is shown escaped. "" is ``value`` itself.

    >>> unencodable_field({"text": {"body": "\\ud800"}}), unencodable_field({"a": [1, {"b\\udfff": 2}]})
    ('text.body', 'a[1].b\\\\udfff')
    >>> unencodable_field({"ok": ["😀 is fine", "é"]}) is None
    True
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not _encodable(item):
                return path
        elif isinstance(item, dict):
            children = []
            for key, child in item.items():
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and not _encodable(key):
                    return name.encode("utf-8", "backslashreplace").decode()
                children.append((name, child))
            stack.extend(reversed(children))
        elif isinstance(item, list):
            stack.extend(reversed([(f"{path}[{n}]", child) for n, child in enumerate(item)]))
    return None


def _encodable(text: str) -> bool:
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def refuse_unencodable(data: Any) -> None:
    """Refuse (400, naming the field) parsed JSON or YAML holding a lone surrogate."""
    path = unencodable_field(data)
    if path is not None:
        where = f"field {path}" if path else "body"
        raise ApiError(400, BODY_UNENCODABLE, f"Request {where} holds text that cannot be encoded as UTF-8 "
                       "(a lone UTF-16 surrogate such as \\ud800).", field=path or "(body)")


async def read_json_object(request: web.Request) -> dict[str, Any]:
    """The request body as a JSON object, or an ApiError saying exactly what is wrong with it."""
    if "Content-Type" in request.headers:
        content_type = request.content_type
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise ApiError(415, BODY_WRONG_CONTENT_TYPE, f"Content-Type must be application/json, not {content_type}.")
    raw = await read_body(request)
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
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        refuse_unencodable(data)
    return data
