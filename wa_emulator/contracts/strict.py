"""Strict mode: check every response and webhook body against its contract at run time.

``serve --strict`` (and the test suite) turn a body that breaks its contract into
a loud error: it is logged, and the client gets a 500 in the API's own envelope
whose message names the contract and the rule broken, instead of a quietly wrong
answer. A webhook that breaks its contract is logged and recorded as ``invalid``
instead of being sent.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping

from aiohttp import web

from ..core.webhooks import WebhookCheck
from ..web.front import DROPPED, ResponseCheck
from ..web.operations import ApiDescription, Contract, Operation, contract_names
from . import schemas as contracts

log = logging.getLogger(__name__)


def _body_problem(api: ApiDescription, contract: Contract | None, raw: bytes, what: str) -> str | None:
    """What breaks ``contract`` (any one of its names will do), or None.

    A ``None`` contract promises no body: an empty one passes, any other is a problem, so a
    route cannot answer JSON that nothing checks.
    """
    names = contract_names(contract)
    if not names:
        return f"{api.folder}: {what} sent a body but declares no contract for it" if raw else None
    try:
        body = json.loads(raw)
    except ValueError:
        return f"{api.folder}/{names[0]}: the body is not JSON"
    problems = []
    for name in names:
        try:
            contracts.validate(api.folder, name, body)
        except contracts.ContractError as exc:
            problems.append(str(exc))
        else:
            return None
    return "; ".join(problems)


def response_checker(api: ApiDescription) -> ResponseCheck:
    """The front door's check for answers of ``api``: the problem with one, or None."""

    def check(operation: Operation | None, request: web.Request, response: web.StreamResponse) -> str | None:
        if not isinstance(response, web.Response) or response.status == DROPPED:
            return None
        raw = response.body if isinstance(response.body, bytes) else b""
        if response.status >= 400:
            return _body_problem(api, api.error_for(response.status), raw, f"a {response.status} error")
        if operation is None:
            return (f"{api.folder}: {request.method} {request.path} answered {response.status} "
                    "but is no declared operation")
        if response.status not in operation.responses:
            return f"{api.folder}: {operation.operation_id} answered {response.status}, which it does not declare"
        if request.method == "HEAD" or operation.media_type is not None:
            return None
        return _body_problem(api, operation.responses[response.status], raw,
                             f"{operation.operation_id} ({response.status})")

    return check


def webhook_checker(apis: Mapping[str, ApiDescription]) -> WebhookCheck:
    """A check for webhook bodies: ``(provider, event_type, body) -> problem or None``."""

    def check(provider: str, event_type: str, body: bytes) -> str | None:
        api = apis.get(provider)
        if api is None:
            return None
        if event_type not in api.webhooks:
            return f"{api.folder}: webhook event {event_type!r} is not declared"
        return _body_problem(api, api.webhooks[event_type], body, f"webhook event {event_type!r}")

    return check
