"""OpenAPI 3.1 documents assembled from the contracts.

A provider (and the control API) declares its operations as data: an
``ApiDescription`` whose operations name, for each path and method, the
contract of the request body and of each response status. The document is
built from that and from ``contracts/<folder>/*.json``, so a schema is written
once and serves validation, strict mode and the OpenAPI document alike.

>>> from wa_emulator.providers.mojeeb import MojeebProvider
>>> sorted(document(MojeebProvider.api, "/mojeeb")["paths"])
['/v1/whatsapp/messages', '/v1/whatsapp/messages/{id}', '/v1/whatsapp/templates']
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .. import __version__
from ..web.operations import ApiDescription, Contract, Operation, contract_names
from . import schemas as contracts

# {"$ref": "other.json#/$defs/x"} in a contract: a sibling, or with "../" a shared schema (contracts.SHARED)
_SIBLING = re.compile(r"(\.\./)?([A-Za-z0-9_.-]+)\.json(?:#/(.*))?")
JSON = "application/json"


def _component(name: str, schema: Mapping[str, Any]) -> dict[str, Any]:
    """A contract as ``components/schemas/<name>``: without ``$id``/``$schema``, its refs re-rooted.

    >>> _component("m", {"$id": "x", "$defs": {"r": {}}, "items": {"$ref": "#/$defs/r"}})["items"]
    {'$ref': '#/components/schemas/m/$defs/r'}
    >>> _component("m", {"items": {"$ref": "other.json#/$defs/r"}, "x": {"$ref": "../s.schema.json"}})
    {'items': {'$ref': '#/components/schemas/other/$defs/r'}, 'x': {'$ref': '#/components/schemas/s.schema'}}
    """
    # Without $id and $schema the component lives in the document's scope (OpenAPI 3.1's dialect is
    # JSON Schema 2020-12 already), so a schema's "#/…" references must now start from its place in it,
    # and a reference to another contract ("other.json…", "../shared.json") becomes one to its component.
    def target(ref: str) -> str:
        if ref.startswith("#/"):
            return f"#/components/schemas/{name}/{ref[2:]}"
        sibling = _SIBLING.fullmatch(ref)
        if sibling is None:
            return ref
        return f"#/components/schemas/{sibling[2]}" + (f"/{sibling[3]}" if sibling[3] else "")

    def reroot(node: Any) -> Any:
        if isinstance(node, dict):
            return {key: target(value) if key == "$ref" and isinstance(value, str) else reroot(value)
                    for key, value in node.items()}
        if isinstance(node, list):
            return [reroot(item) for item in node]
        return node

    return reroot({k: v for k, v in schema.items() if k not in ("$id", "$schema")})


def siblings(folder: str, schema: Any) -> set[tuple[str, str]]:
    """(folder, name) of every other contract ``schema``, a contract of ``folder``, refers to.

    >>> sorted(siblings("w", {"items": {"$ref": "delivery.json"}, "x": [{"$ref": "#/$defs/y"}]}))
    [('w', 'delivery')]
    >>> siblings("control", {"$ref": "../scenario.schema.json"})
    {('', 'scenario.schema')}
    """
    if isinstance(schema, dict):
        found = {(contracts.SHARED if match[1] else folder, match[2]) for key, value in schema.items()
                 if key == "$ref" and isinstance(value, str) and (match := _SIBLING.fullmatch(value))}
        return found.union(*(siblings(folder, value) for value in schema.values()))
    if isinstance(schema, list):
        return set().union(*(siblings(folder, item) for item in schema))
    return set()


def _ref(contract: Contract) -> dict[str, Any]:
    refs = [{"$ref": f"#/components/schemas/{name}"} for name in contract_names(contract)]
    return refs[0] if len(refs) == 1 else {"anyOf": refs}


def _body(contract: Contract | None, description: str, media_type: str = JSON) -> dict[str, Any]:
    answer: dict[str, Any] = {"description": description}
    if contract is not None:
        answer["content"] = {media_type: {"schema": _ref(contract)}}
    return answer


def _responses(api: ApiDescription, op: Operation) -> dict[str, Any]:
    """Each status ``op`` answers with its body: its successes, then every error it may answer.

    No ``default``: every status is named, so an answer with any other status breaks the contract.

    >>> from wa_emulator.providers.wazapin import WazapinProvider
    >>> answers = _responses(WazapinProvider.api, WazapinProvider.api.operation("getMessage"))
    >>> sorted(answers), list(answers["404"]["content"])
    (['200', '401', '403', '404', '405', '429', '500'], ['application/problem+json', 'application/json'])
    """
    responses = {status: _body(name, f"{status} answer") for status, name in op.responses.items()}
    for status in api.error_statuses(op):
        responses.setdefault(status, _error(api, status))
    return {str(status): responses[status] for status in sorted(responses)}


def _error(api: ApiDescription, status: int) -> dict[str, Any]:
    if status in api.error_by_status or not api.error_media_types:
        content = {JSON: api.error_for(status)}
    else:
        content = dict(api.error_media_types)
    return {"description": f"{status} error, in this API's own envelope",
            "content": {media_type: {"schema": _ref(contract)} for media_type, contract in content.items()}}


def _operation(api: ApiDescription, op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in op.path_parameters()
    ]
    parameters += [{"name": name, "in": "query", "required": name in op.required_query,
                    "schema": dict(op.query_schemas.get(name, {"type": "string"}))} for name in op.query]
    spec: dict[str, Any] = {"operationId": op.operation_id, "summary": op.summary}
    if op.public:
        spec["security"] = []  # overrides the document-wide requirement: no credentials needed
    if parameters:
        spec["parameters"] = parameters
    if op.request is not None:
        spec["requestBody"] = {"required": True, "content": {op.request_media_type: {"schema": _ref(op.request)}}}
    responses = _responses(api, op)
    if op.media_type is not None:  # a 2xx body that is not JSON: text in its own media type
        for status in op.responses:
            responses[str(status)]["content"] = {op.media_type: {"schema": {"type": "string"}}}
    spec["responses"] = responses
    return spec


def document(api: ApiDescription, server_url: str = "/") -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``api``, its schemas taken from ``contracts/<folder>/``.

    >>> from wa_emulator.providers.mojeeb import MojeebProvider
    >>> doc = document(MojeebProvider.api, "/mojeeb")
    >>> doc["openapi"], "/v1/whatsapp/messages/{id}" in doc["paths"]
    ('3.1.0', True)
    """
    paths: dict[str, dict[str, Any]] = {}
    for op in api.operations:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(api, op)
    used = contracts_used(api)
    doc: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {"title": api.title, "version": __version__, "x-source": api.source},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {"schemas": {name: _component(name, contracts.load(folder, name))
                                   for folder, name in sorted(used, key=lambda pair: pair[1])}},
    }
    if api.security_schemes:
        doc["components"]["securitySchemes"] = dict(api.security_schemes)
        doc["security"] = [{name: []} for name in api.security_schemes]
    if api.webhooks:
        doc["webhooks"] = {
            event: {"post": {"operationId": f"webhook:{event}", "summary": f"The {event} webhook",
                             "requestBody": {"required": True, **_body(contract, event)},
                             "responses": {"200": {"description": "Any 2xx acknowledges the event"}}}}
            for event, contract in api.webhooks.items()
        }
    return doc


def contracts_used(api: ApiDescription) -> set[tuple[str, str]]:
    """(folder, name) of every contract ``api`` refers to, and of every one those refer to in turn."""
    contracts_ = [api.error, *api.error_by_status.values(), *api.error_media_types.values(), *api.webhooks.values()]
    for op in api.operations:
        contracts_ += [op.request, *op.responses.values()]
    used: set[tuple[str, str]] = set()
    waiting = {(api.folder, name) for contract in contracts_ for name in contract_names(contract)}
    while waiting:
        folder, name = waiting.pop()
        used.add((folder, name))
        waiting |= siblings(folder, contracts.load(folder, name)) - used
    return used
