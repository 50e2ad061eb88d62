"""Guards: every JSON answer and webhook has a real contract, and the documents say which calls need a key.

With ``test_every_provider_route_is_a_declared_operation`` and its control twin (every route is
an operation), these make sure a new route cannot answer JSON that nothing describes.
"""

import dataclasses

import pytest

from wa_emulator import contracts
from wa_emulator.control.operations import API as CONTROL_API
from wa_emulator.providers import all_providers
from wa_emulator.providers.wazapin import WazapinProvider
from wa_emulator.testing.emulator import Emulator
from wa_emulator.web.operations import ApiDescription, contract_names

APIS = {**{p.name: p.api for p in all_providers()}, "control": CONTROL_API}
NO_BODY = 204  # the only status that may declare no contract
SCHEMA_KEYWORDS = {"type", "$ref", "anyOf", "oneOf", "allOf", "const", "enum", "properties", "items"}


def _declared(api: ApiDescription):
    """(where, contract) of every body ``api`` answers, sends or signs."""
    for op in api.operations:
        if op.media_type is not None:
            continue  # answers text in its own media type (a PEM certificate), not JSON
        for status, contract in op.responses.items():
            yield f"{op.operation_id} {status}", contract, status
    for event, contract in api.webhooks.items():
        yield f"webhook {event}", contract, None
    yield "every error", api.error, None
    for status, contract in api.error_by_status.items():
        yield f"{status} error", contract, status


@pytest.mark.parametrize("name", APIS)
def test_every_json_answer_and_webhook_declares_a_non_empty_contract(name):
    api = APIS[name]
    assert api is not None, f"{name} declares no ApiDescription"
    for where, contract, status in _declared(api):
        if status == NO_BODY:
            assert contract is None, f"{name} {where}: a 204 has no body to describe"
            continue
        assert contract_names(contract), f"{name} {where} answers JSON but declares no contract"
        for contract_name in contract_names(contract):
            schema = contracts.load(api.folder, contract_name)
            assert SCHEMA_KEYWORDS & schema.keys(), f"{api.folder}/{contract_name} constrains nothing"


def test_no_list_contract_leaves_its_items_undescribed():
    """A list whose items are just ``{"type": "object"}`` would let any item through."""
    for folder in contracts.folders():
        for name in contracts.names(folder):
            data = contracts.load(folder, name).get("properties", {}).get("data", {})
            if data.get("type") == "array":
                assert data["items"] != {"type": "object"}, f"{folder}/{name}: describe the items"


async def test_strict_mode_refuses_a_json_answer_whose_operation_declares_no_contract(monkeypatch, http):
    api = WazapinProvider.api
    undeclared = tuple(dataclasses.replace(op, responses={200: None}) if op.operation_id == "health" else op
                       for op in api.operations)
    monkeypatch.setattr(WazapinProvider, "api", dataclasses.replace(api, operations=undeclared))
    async with Emulator(strict=True) as emu, http.get(emu.url("wazapin") + "/v1/health") as response:
        body = await response.json(content_type=None)
    assert response.status == 500
    contracts.validate("wazapin", "error", body)
    assert "health (200) sent a body but declares no contract" in body["detail"]


def _document_security(doc, path, method):
    operation = doc["paths"][path][method]
    return operation.get("security", doc.get("security"))


@pytest.mark.parametrize("provider", all_providers(), ids=lambda p: p.name)
async def test_only_public_operations_answer_without_credentials_and_the_document_says_so(provider, emu, http):
    api = provider.api
    async with http.get(f"{emu.base_url}/_emulator/openapi/{provider.name}.json") as response:
        doc = await response.json()
    assert doc["security"], "the document-wide requirement names the provider's schemes"
    for op in api.operations:
        security = _document_security(doc, op.path, op.method)
        assert (security == []) is op.public, f"{op.operation_id}: security {security}"
        path = op.path
        for parameter in op.path_parameters():
            path = path.replace(f"{{{parameter}}}", "x")
        async with http.request(op.method, emu.url(provider.name) + path,
                                json={} if op.request else None) as response:
            answered = response.status
        assert (answered != 401) is op.public, f"{op.operation_id} answered {answered} without credentials"

