"""The dashboard's ready requests (a send, a webhook registration) come from each provider's
operation table; sent as the page sends them, they work."""

from __future__ import annotations

import json

import pytest

from wa_emulator.contracts import schemas
from wa_emulator.providers import all_providers
from wa_emulator.ui.pages import BIN_URL, example_request, webhook_registration
from wa_emulator.web.operations import ApiDescription, Operation, WebhookRegistration

EXAMPLES = [(p.api.folder, op) for p in all_providers() for op in p.api.operations if op.example is not None]


@pytest.mark.parametrize(("folder", "operation"), EXAMPLES, ids=lambda v: getattr(v, "operation_id", v))
def test_every_example_request_follows_its_contract(folder: str, operation: Operation) -> None:
    assert operation.request is not None
    schemas.validate(folder, operation.request, dict(operation.example or {}))


def test_naming_an_example_that_is_not_there_fails_at_import() -> None:
    async def handler(request): ...

    bare = Operation("post", "/hooks", "createHook", "Add a hook", handler)
    with pytest.raises(ValueError, match="createHook is named as an example but has none"):
        ApiDescription("t", "x", "t", (bare,), webhook_registration=WebhookRegistration("createHook", "url"))
    with pytest.raises(KeyError, match="no operation 'send'"):
        ApiDescription("t", "x", "t", (bare,), first_request="send")


async def _call(http, emu, request: dict, bin_url: str) -> tuple[int, dict]:
    body = json.loads(json.dumps(request["body"]).replace(BIN_URL, bin_url))  # as app.js does
    url = emu.base_url + request["base_path"] + request["path"]
    async with http.post(url, headers=request["headers"], json=body) as response:
        return response.status, await response.json()


@pytest.mark.parametrize("provider", [p for p in all_providers() if p.webhooks], ids=lambda p: p.name)
async def test_the_registration_then_the_send_fill_the_chosen_bin(emu, http, provider) -> None:
    registration, send = webhook_registration(provider), example_request(provider)
    assert registration is not None and send is not None
    status, _ = await _call(http, emu, registration, emu.bin_url("ready"))
    assert status == 201
    status, _ = await _call(http, emu, send, emu.bin_url("ready"))
    assert 200 <= status < 300
    await emu.advance(3600)
    kept = emu.bin("ready")
    assert kept and {record["provider"] for record in kept} == {provider.name}


def test_a_provider_without_webhooks_offers_no_registration() -> None:
    mojeeb = next(p for p in all_providers() if p.name == "mojeeb")
    assert not mojeeb.webhooks and webhook_registration(mojeeb) is None
    assert example_request(mojeeb)["path"] == "/v1/whatsapp/messages"
