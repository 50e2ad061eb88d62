"""The default sandbox: one magic recipient per behaviour, fixed keys, documentation examples."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support import Client
from wa_emulator import contracts
from wa_emulator.testing.emulator import Emulator

from .observing import hooks_are, observe, said

# number, clock steps after sending, what polling says at the start and after each step, and the
# status webhooks a pushing provider delivers (in arrival order, once held-back ones are in); core words
MAGIC = [
    ("+15550001001", [1, 2, 7], ["queued", "sent", "delivered", "read"], ["sent", "delivered", "read"]),
    ("+15550001002", [1, 2, 86400], ["queued", "sent", "delivered", "delivered"], ["sent", "delivered"]),
    ("+15550001003", [1, 1], ["queued", "sent", "failed"], ["sent", "failed"]),
    ("+15550001004", [1, 29 * 86400, 86400], ["queued", "sent", "sent", "expired"], ["sent", "expired"]),
    # free-form text to the number that never wrote in; templates pass (below)
    ("+15550001005", [1, 1], ["queued", "sent", "failed"], ["sent", "failed"]),
    ("+15550001006", [1, 2, 1], ["queued", "sent", "delivered", "read"], ["sent", "read", "delivered"]),
    ("+15550001007", [1, 2, 7], ["queued", "sent", "delivered", "read"],
     ["sent", "delivered", "delivered", "delivered", "read"]),
    ("+15550001008", [1, 2, 7], ["queued", "sent", "delivered", "read"], ["sent", "read"]),
    ("+15550001009", [5, 600, 3600], ["queued", "sent", "delivered", "read"], ["sent", "delivered", "read"]),
    ("+15550001010", [1, 29, 1], ["queued", "sent", "sent", "failed"], ["sent", "failed"]),
]


@pytest.mark.parametrize(("number", "steps", "expected", "hooks"), MAGIC, ids=[m[0] for m in MAGIC])
async def test_each_magic_number_behaves_as_the_readme_says(
    emu: Emulator, client: Client, number: str, steps: list[float], expected: list[str], hooks: list[str]
) -> None:
    await client.load("sandbox")
    sent = await client.send_text(number)
    assert sent.id is not None, sent.body
    assert await observe(emu, client, sent.id, steps) == said(client, *expected)
    await emu.advance(15)  # past every held-back webhook
    await hooks_are(client, sent.id, *hooks)


async def test_the_window_closed_number_still_takes_templates(emu: Emulator, client: Client) -> None:
    await client.load("sandbox")
    sent = await client.send_template("+15550001005")
    await emu.advance(10)
    assert await client.status(sent.id or "") == client.words["read"]


async def test_the_sandbox_has_a_fixed_rate_limited_key(emu: Emulator, client: Client) -> None:
    await client.load("sandbox")
    await client.use_key("rate-limited")
    answers = [await client.send_template("+15550001001") for _ in range(4)]
    assert [a.status for a in answers if a.id is None] == [429]
    assert answers[-1].id is None


async def test_mojeebs_documentation_example_answers_as_documented(http: aiohttp.ClientSession) -> None:
    # https://docs.mojeeb.app/docs/developers/whatsapp/message-status: the curl example and its 200 body.
    async with Emulator(scenario="sandbox") as emu, http.get(
        f"{emu.url('mojeeb')}/v1/whatsapp/messages/01c45011-d803-4eb0-a762-3228a4c392f3",
        headers={"Authorization": "Bearer mk_live_SandboxAcmeFullScope01_60f53fc0cf"},
    ) as response:
        assert response.status == 200
        assert await response.json() == {
            "id": "01c45011-d803-4eb0-a762-3228a4c392f3",
            "status": "delivered",
            "agent_id": "12345678-1234-1234-1234-123456789012",
            "to": "",
            "type": "template",
            "platform_message_id": "wamid.EXAMPLE_PLACEHOLDER_FROM_META_REPLACE_AT_RUNTIME==",
            "created_at": "2026-04-30T09:18:31Z",
            "sent_at": "2026-04-30T09:18:32Z",
            "failed_at": None,
        }


async def test_wazapins_documentation_example_answers_as_documented(http: aiohttp.ClientSession) -> None:
    # https://docsx.wazapin.com/guides/handle-delivery-status: "check the status via the API" curl.
    async with Emulator(scenario="sandbox") as emu, http.get(
        f"{emu.url('wazapin')}/v1/messages/9f1fd66d-c37a-4b50-a8c2-b4dca523f9c8/status",
        headers={"X-Api-Key": "wzp_sandbox_acme_full_0000000001", "Accept": "application/json"},
    ) as response:
        assert response.status == 200
        body = (await response.json())["data"]
    assert (body["id"], body["status"]) == ("9f1fd66d-c37a-4b50-a8c2-b4dca523f9c8", "delivered")
    contracts.validate("wazapin", "message-status", {"data": body})


async def test_qlaras_documentation_example_answers_as_documented(http: aiohttp.ClientSession) -> None:
    # The quick start's customerMessageId, looked up as the status guide shows; the overview says DELIVERED.
    async with Emulator(scenario="sandbox") as emu, http.get(
        f"{emu.url('qlara')}/partner-gateway/v1/messages/status/your_reference_id",
        params={"channel": "WHATSAPP"}, headers={"X-Api-Key": "qlara_sandbox_production_key"},
    ) as response:
        assert response.status == 200
        body = await response.json()
    assert (body["messageId"], body["customerMessageId"], body["deliveryStatus"]) == (
        "msg_1234567890", "your_reference_id", "DELIVERED"
    )
    contracts.validate("qlara", "status", body)
