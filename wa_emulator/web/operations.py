"""An API as data: one table of operations that both routes requests and describes the API.

Each provider (and the control API) declares its operations once, in its ``operations.py``: method,
path, handler, and the contract each body follows. The router is built from that table
(:func:`route_table`), and so are the OpenAPI document (``contracts/openapi.py``) and strict mode's
checks, so a route cannot exist without its contract or the other way round.

>>> async def get_thing(request): ...
>>> op = Operation("get", "/v1/things/{id}", "getThing", "Read a thing", get_thing, responses={200: "thing"})
>>> op.path_parameters()
['id']
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

Around = Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]
"""A step between admission and the handler that may answer instead of it (Mojeeb's idempotency
replay); it calls ``proceed(request)`` to go on."""

Contract = str | tuple[str, ...]
"""A contract name, or several when a body may take any of their shapes (per-tenant options)."""

_PARAMETER = re.compile(r"{([^}]+)}")

BODY_ERRORS = (400, 413, 415)
"""What reading a JSON body answers: not JSON or not an object, too large, not ``application/json``.
An operation that reads a body without a request contract lists them in its own ``errors``."""


def contract_names(contract: Contract | None) -> tuple[str, ...]:
    """The names a Contract stands for.

    >>> contract_names("error"), contract_names(("error", "error-legacy")), contract_names(None)
    (('error',), ('error', 'error-legacy'), ())
    """
    if contract is None:
        return ()
    return (contract,) if isinstance(contract, str) else tuple(contract)


@dataclass(frozen=True, slots=True)
class Operation:
    """One API operation: method, path (relative to the API's base URL), handler and body contracts."""

    method: str
    path: str
    operation_id: str
    summary: str
    handler: Handler
    request: Contract | None = None
    """Contract of the JSON request body, if it takes one."""
    request_media_type: str = "application/json"
    """The request body's media type, when it is not JSON (an upload's ``multipart/form-data``)."""
    responses: Mapping[int, Contract | None] = field(default_factory=dict)
    """Status -> contract of the JSON body (None: the status carries no body)."""
    query: tuple[str, ...] = ()
    """Query parameters: optional strings unless ``query_schemas`` says otherwise."""
    query_schemas: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    """The schema of a query parameter that is not any string (a bounded integer, an enum)."""
    required_query: tuple[str, ...] = ()
    """Query parameters the operation refuses to answer without."""
    public: bool = False
    """Answered without credentials (a health check): not admitted, and ``security: []`` in the document."""
    around: Around | None = None
    """A step run between admission and the handler (see ``Around``)."""
    media_type: str | None = None
    """The media type of a 2xx answer that is not JSON (its body then follows no contract)."""
    example: Mapping[str, Any] | None = None
    """A valid request body, for the OpenAPI document and for anyone who needs one (benchmarks, fuzzing)."""
    errors: tuple[int, ...] = ()
    """Error statuses the handler itself answers (its own 404, 409, 422…); the front door's are the API's."""

    def path_parameters(self) -> list[str]:
        return _PARAMETER.findall(self.path)


@dataclass(frozen=True, slots=True)
class WebhookRegistration:
    """The request that points an API's webhooks at a URL: an operation with an example body,
    and the body field that takes the URL.

    >>> WebhookRegistration("createWebhook", "callbackUrl").url_field
    'callbackUrl'
    """

    operation_id: str
    url_field: str


@dataclass(frozen=True, slots=True)
class ApiDescription:
    """One API: its operations, and what its OpenAPI document and strict mode need to know.

    ``folder`` is the contracts folder (the provider's name, or ``control``); every 4xx/5xx body
    follows the ``error`` contract unless ``error_by_status`` names another; ``webhooks`` maps an
    event type to the contract of its body.
    """

    title: str
    source: str
    folder: str
    operations: tuple[Operation, ...]
    error: Contract = "error"
    security_schemes: Mapping[str, Any] = field(default_factory=dict)
    webhooks: Mapping[str, Contract | None] = field(default_factory=dict)
    sandbox_headers: Mapping[str, str] = field(default_factory=dict)
    """Headers a client holding the sandbox's full-access credentials sends (fuzzing and docs use them)."""
    error_by_status: Mapping[int, Contract] = field(default_factory=dict)
    """Error statuses whose body follows another contract than ``error`` (Qlara's 429, say)."""
    errors: tuple[int, ...] = (404, 405, 500)
    """Error statuses the front door may answer on any operation: no such route, wrong method, the
    emulator's own failure."""
    admission_errors: tuple[int, ...] = (401, 429)
    """What admission answers, on every operation that is not public: bad credentials, rate limit."""
    body_errors: tuple[int, ...] = BODY_ERRORS
    """What reading a JSON body answers, on every operation with a request contract."""
    error_media_types: Mapping[str, Contract] = field(default_factory=dict)
    """Media type -> error contract, for an API whose errors are not all ``application/json`` with
    ``error``'s body (Wazapin: ``application/problem+json``, or its older body as plain JSON)."""
    first_request: str | None = None
    """The operation whose example is the API's "hello world" (a send): the dashboard's ready curl line."""
    webhook_registration: WebhookRegistration | None = None
    """How a client points this API's webhooks at a URL (the dashboard's request-bin helper)."""

    def __post_init__(self) -> None:
        # A misnamed operation here would only show as a missing line on the dashboard.
        named = [self.first_request]
        if self.webhook_registration is not None:
            named.append(self.webhook_registration.operation_id)
        for operation_id in filter(None, named):
            if self.operation(operation_id).example is None:
                raise ValueError(f"{self.folder}: {operation_id} is named as an example but has none")

    def error_for(self, status: int) -> Contract:
        """The contract of a ``status`` error body.

        >>> ApiDescription("t", "x", "t", (), error_by_status={429: "rate"}).error_for(429)
        'rate'
        """
        return self.error_by_status.get(status, self.error)

    def error_statuses(self, op: Operation) -> tuple[int, ...]:
        """Every error status ``op`` may answer, in order: its own and the front door's.

        >>> async def h(request): ...
        >>> api = ApiDescription("t", "x", "t", ())
        >>> api.error_statuses(Operation("post", "/x", "x", "X", h, request="x", errors=(409,)))
        (400, 401, 404, 405, 409, 413, 415, 429, 500)
        >>> api.error_statuses(Operation("get", "/health", "health", "Up?", h, public=True))
        (404, 405, 500)
        """
        statuses = {*self.errors, *op.errors}
        if not op.public:
            statuses.update(self.admission_errors)
        if op.request is not None:
            statuses.update(self.body_errors)
        return tuple(sorted(statuses))

    def operation(self, operation_id: str) -> Operation:
        """The operation called ``operation_id`` (KeyError names the known ones)."""
        for op in self.operations:
            if op.operation_id == operation_id:
                return op
        raise KeyError(f"{self.folder} has no operation {operation_id!r}; it has "
                       f"{', '.join(op.operation_id for op in self.operations)}")
