"""The bad-input corpus: every kind of broken request, built for any route of any provider.

Each case turns a route (and a valid request for it) into probes: a request plus the
statuses it may get. ``None`` means "any 4xx" (or, where a body is simply ignored, a
normal answer); a 5xx is never allowed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from multidict import CIMultiDict

from ..support import Client, Route

MAX_BODY = 1024 * 1024  # Settings.max_body_bytes
NESTING = 100_000


@dataclass(frozen=True)
class Probe:
    """One request of the corpus and the answers it may get (None: any non-5xx)."""

    label: str
    method: str
    path: str  # already percent-encoded, relative to the provider's base URL
    headers: CIMultiDict[str] = field(default_factory=CIMultiDict)
    data: bytes | None = None
    expect: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Target:
    client: Client
    route: Route
    message_id: str  # an existing message the route can address

    @property
    def bare_path(self) -> str:
        return self.route.path.replace("{id}", self.message_id)

    @property
    def path(self) -> str:
        """The route's path with its own query string, if it needs one."""
        return self.bare_path + self.query_tail("?")

    def query_tail(self, lead: str) -> str:
        return f"{lead}{self.route.query}" if self.route.query else ""

    def headers(self, json_body: bool = True) -> CIMultiDict[str]:
        headers = CIMultiDict(self.client.auth())
        if json_body:
            headers["Content-Type"] = "application/json"
        return headers

    def probe(self, label: str, data: bytes | None, expect: tuple[int, ...] | None, **kw: Any) -> Probe:
        """A probe of this route with ``data`` as body; reads ignore bodies, so any answer but a 5xx will do."""
        if self.route.kind == "status":
            expect = None
        return Probe(label, kw.pop("method", self.route.method), kw.pop("path", self.path),
                     kw.pop("headers", self.headers()), data, expect)


Case = Callable[[Target], Iterator[Probe]]
BAD_REQUEST = (400,)
UNPROCESSABLE = (422,)


def with_field(body: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the field at ``dotted`` set to ``value``.

    >>> with_field({"a": {"b": 1}, "c": 2}, "a.b", None)
    {'a': {'b': None}, 'c': 2}
    """
    copy = json.loads(json.dumps(body))
    *parents, last = dotted.split(".")
    node = copy
    for name in parents:
        node = node[name]
    node[last] = value
    return copy


def field_value(body: dict[str, Any], dotted: str) -> Any:
    """The value at ``dotted`` in ``body``.

    >>> field_value({"a": {"b": 1}}, "a.b")
    1
    """
    node: Any = body
    for name in dotted.split("."):
        node = node[name]
    return node


def leaves(body: Any, prefix: str = "") -> Iterator[str]:
    """Dotted paths of every scalar field in ``body``."""
    for name, value in body.items():
        path = f"{prefix}{name}"
        if isinstance(value, dict):
            yield from leaves(value, path + ".")
        else:
            yield path


def valid(target: Target) -> dict[str, Any]:
    return dict(target.route.body or {})


def not_json(t: Target) -> Iterator[Probe]:
    for label, data in [("text", b"hello"), ("empty", b""), ("whitespace", b"  \n"), ("xml", b"<a>1</a>"),
                        ("nan", b'{"to": NaN}'), ("bom", b"\xef\xbb\xbf{}"), ("trailing", b"{} {}")]:
        yield t.probe(f"not json: {label}", data, (400, 422))


def truncated_json(t: Target) -> Iterator[Probe]:
    raw = json.dumps(valid(t) or {"a": [1, 2, {"b": "c"}]}).encode()
    for cut in (1, len(raw) // 2, len(raw) - 1):
        yield t.probe(f"truncated at {cut}", raw[:cut], BAD_REQUEST)


def wrong_types(t: Target) -> Iterator[Probe]:
    for label, top in [("array", []), ("string", "x"), ("number", 7), ("null", None), ("bool", True)]:
        yield t.probe(f"top-level {label}", json.dumps(top).encode(), BAD_REQUEST)
    body = valid(t)
    for path in leaves(body):
        # A field documented to take several types may accept some of these: any non-5xx will do there.
        expect = None if path in t.route.loose_fields else (400, 422)
        for value in (7, 1.5, True, None, [], {}, ["x"]):
            if type(value) is type(field_value(body, path)):
                continue  # the right type (an id number, say): not a type error
            if value is None and path in t.route.nullable:
                continue  # an optional field left at its default
            yield t.probe(f"{path}={json.dumps(value)}", json.dumps(with_field(body, path, value)).encode(), expect)


def huge_body(t: Target) -> Iterator[Probe]:
    data = b'{"pad":"' + b"x" * MAX_BODY + b'"}'
    yield t.probe("1 MiB + 10 bytes", data, (413,))


def deeply_nested(t: Target) -> Iterator[Probe]:
    yield t.probe("nested arrays", b"[" * NESTING + b"]" * NESTING, BAD_REQUEST)
    field_path = t.route.phone_field
    if field_path:
        nested = json.dumps(with_field(valid(t), field_path, "__NEST__")).encode()
        data = nested.replace(b'"__NEST__"', b'{"a":' * NESTING + b"1" + b"}" * NESTING)
        yield t.probe("nested objects inside a field", data, BAD_REQUEST)


def invalid_utf8(t: Target) -> Iterator[Probe]:
    raw = json.dumps(valid(t) or {"a": "b"}).encode()
    yield t.probe("lone continuation byte", raw.replace(b'"', b'"\x80', 1), BAD_REQUEST)
    yield t.probe("overlong encoding", b'{"a":"\xc0\xaf"}', BAD_REQUEST)
    yield t.probe("surrogate half", b'{"a":"\xed\xa0\x80"}', BAD_REQUEST)
    yield t.probe("latin-1 body", '{"a":"café"}'.encode("latin-1"), BAD_REQUEST)


NOT_E164 = ["12345", "15551234567", "+0123456789", "+1 555 123 4567", "+1-555-123-4567", "", "+",
            "++15551234567", "+1555123456789012345", "+1555", "+١٥٥٥١٢٣٤٥٦٧",
            "+1٥٥٥١٢٣٤٥٦٧", "+１５５５１２３４５６７", "+1５５５１２３４５６７",
            "+15551234567\n", " +15551234567", "+15551234567x", "tel:+15551234567"]


def non_e164(t: Target) -> Iterator[Probe]:
    if not t.route.phone_field:
        return
    for phone in NOT_E164:
        if phone in t.client.phones_accepted:
            continue
        body = with_field(valid(t), t.route.phone_field, phone)
        # Providers differ on 400 or 422 for a well-typed but unusable value; either is an answer.
        yield t.probe(f"{t.route.phone_field}={phone!r}", json.dumps(body).encode(), (400, 422))


NOT_UUIDS = ["not-a-uuid", "12345678123412341234123456789012", "{12345678-1234-1234-1234-123456789012}",
             "12345678-1234-1234-1234-12345678901", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "%00", "%2e%2e",
             "%E2%80%AE", "..", "x" * 5000, "%ff%fe", "00000000-0000-0000-0000-000000000000"]


def non_uuid_ids(t: Target) -> Iterator[Probe]:
    if "{id}" in t.route.path:
        for bad in NOT_UUIDS:
            yield Probe(f"id={bad[:40]!r}", t.route.method, t.route.path.replace("{id}", bad) + t.query_tail("?"),
                        t.headers(False), None, (404,))
    elif t.route.body and "agent_id" in t.route.body:
        for bad in NOT_UUIDS[:5]:
            body = with_field(valid(t), "agent_id", bad)
            yield t.probe(f"agent_id={bad!r}", json.dumps(body).encode(), UNPROCESSABLE)


def _auth_variants(t: Target) -> Iterator[tuple[str, CIMultiDict[str]]]:
    good = t.client.auth()
    base = t.headers()
    for name in good:
        del base[name]
    yield "no credentials", CIMultiDict(base)
    for name, value in good.items():
        for label, values in [("doubled", [value, value]), ("good then bad", [value, value[:-1] + "X"]),
                              ("bad then good", [value[:-1] + "X", value]), ("empty", [""]),
                              ("other scheme", ["Basic Zm9vOmJhcg=="]), ("scheme only", ["Bearer"]),
                              ("lower-cased", [value.lower()] if value.lower() != value else [])]:
            if not values:
                continue
            headers = CIMultiDict(base)
            for item in values:
                headers.add(name, item)
            yield f"{name}: {label}", headers


def bad_auth(t: Target) -> Iterator[Probe]:
    if t.route.public:
        return
    data = json.dumps(valid(t)).encode() if t.route.body is not None else None
    for label, headers in _auth_variants(t):
        yield Probe(label, t.route.method, t.path, headers, data, (400, 401, 403))


WRONG_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND")


def wrong_methods(t: Target) -> Iterator[Probe]:
    allowed = {t.route.method, *t.route.other_methods}
    if "GET" in allowed:
        allowed.add("HEAD")
    for method in WRONG_METHODS:
        if method not in allowed:
            yield Probe(method, method, t.path, t.headers(), b"{}", (405,))


def unknown_routes(t: Target) -> Iterator[Probe]:
    for suffix in ("/extra", "x", "/../../_emulator/reset", "/%2F..%2F", ";jsessionid=1"):
        # A longer path may match another route's pattern: that route's 405 (another method) or
        # 400 (its own required input missing) is right then.
        yield Probe(f"path+{suffix!r}", t.route.method, t.bare_path + suffix + t.query_tail("?"), t.headers(), b"{}",
                    (400, 404, 405))
    for path in ("/", "/v9/whatsapp/messages", "//v1", "/%00", "/%ff", "/v1/" + "a" * 4000):
        yield Probe(f"path {path[:30]!r}", t.route.method, path, t.headers(), b"{}", (404,))


ODD_QUERIES = ["?%zz=%ff", "?&&&", "?=", "?a=%00", "?%E2%82%AC=%C3%28", "?a=1&a=2&a=3", "?" + "q" * 8000,
               "?;;", "?a[b][c]=1", "?%", "?a=%2", "?+=+"]


def odd_queries(t: Target) -> Iterator[Probe]:
    data = json.dumps(valid(t)).encode() if t.route.body is not None else None
    for query in ODD_QUERIES:
        # Query strings are not part of these APIs: the request must be answered as without one.
        yield Probe(f"query {query[:30]!r}", t.route.method, t.bare_path + query + t.query_tail("&"),
                    t.headers(data is not None), data)


def wrong_content_type(t: Target) -> Iterator[Probe]:
    data = json.dumps(valid(t)).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
                         "application/json; charset=latin-1; x", ";;;", "application/jsonx"):
        headers = t.headers()
        headers["Content-Type"] = content_type
        yield t.probe(f"Content-Type {content_type!r}", data, None, headers=headers)


CASES: dict[str, Case] = {
    "not_json": not_json,
    "truncated_json": truncated_json,
    "wrong_types": wrong_types,
    "huge_body": huge_body,
    "deeply_nested": deeply_nested,
    "invalid_utf8": invalid_utf8,
    "non_e164": non_e164,
    "non_uuid_ids": non_uuid_ids,
    "bad_auth": bad_auth,
    "wrong_methods": wrong_methods,
    "unknown_routes": unknown_routes,
    "odd_queries": odd_queries,
    "wrong_content_type": wrong_content_type,
}
