"""Each bundled scenario, on the manual clock, as a client sees it: the statuses it polls, in the
provider's words, and (for providers that push) the webhooks it receives, in order."""

from __future__ import annotations

import pytest

from tests.support import Client
from wa_emulator import contracts
from wa_emulator.testing.emulator import Emulator

from .observing import hooks_are, observe, said

CUSTOMER = "+15550001000"  # the customer every single-behaviour scenario is about


async def sent_id(client: Client, to: str = CUSTOMER, *, template: bool = False) -> str:
    sent = await (client.send_template(to) if template else client.send_text(to))
    assert sent.id is not None, sent.body
    return sent.id


async def test_happy_path_reaches_read(emu: Emulator, client: Client) -> None:
    await client.load("happy-path")
    message = await sent_id(client)
    seen = await observe(emu, client, message, [1, 2, 7])
    assert seen == said(client, "queued", "sent", "delivered", "read")
    await hooks_are(client, message, "sent", "delivered", "read")


async def test_read_receipts_off_stops_at_delivered(emu: Emulator, client: Client) -> None:
    await client.load("read-receipts-off")
    message = await sent_id(client)
    seen = await observe(emu, client, message, [1, 2, 86400])
    assert seen == said(client, "queued", "sent", "delivered", "delivered")
    await hooks_are(client, message, "sent", "delivered")


async def test_not_on_whatsapp_fails_after_sent(emu: Emulator, client: Client) -> None:
    await client.load("not-on-whatsapp")
    message = await sent_id(client, template=True)
    assert await observe(emu, client, message, [1, 1]) == said(client, "queued", "sent", "failed")
    await hooks_are(client, message, "sent", "failed")


async def test_offline_stays_sent_until_the_ttl_then_expires(
    emu: Emulator, client: Client
) -> None:
    await client.load("offline-expired")
    message = await sent_id(client)
    seen = await observe(emu, client, message, [1, 29 * 86400, 86400])
    assert seen == said(client, "queued", "sent", "sent", "expired")
    await hooks_are(client, message, "sent", "expired")


async def test_free_form_outside_the_window_fails_while_a_template_passes(
    emu: Emulator, client: Client
) -> None:
    await client.load("window-closed")
    text = await sent_id(client)
    template = await sent_id(client, template=True)
    await emu.advance(10)
    assert [await client.status(text), await client.status(template)] == said(client, "failed", "read")
    await hooks_are(client, text, "sent", "failed")
    await hooks_are(client, template, "sent", "delivered", "read")


async def test_an_inbound_message_reopens_the_window(emu: Emulator, client: Client) -> None:
    await client.load("window-reopened")
    before = await sent_id(client)
    await emu.advance(60)  # the customer writes in at 1 minute
    after = await sent_id(client)
    await emu.advance(10)
    assert [await client.status(before), await client.status(after)] == said(client, "failed", "read")
    await hooks_are(client, before, "sent", "failed")
    await hooks_are(client, after, "sent", "delivered", "read")


# scenario, clock steps to read, the status webhooks a pushing provider delivers (in arrival order)
WEBHOOK_CASES = [
    ("read-before-delivered", [1, 2, 1], ["sent", "read", "delivered"]),  # read overtakes the held-back delivered
    ("duplicate-webhooks", [1, 2, 7], ["sent", "delivered", "delivered", "delivered", "read"]),
    ("dropped-webhook", [1, 2, 7], ["sent", "read"]),
]


@pytest.mark.parametrize(("scenario", "steps", "hooks"), WEBHOOK_CASES, ids=[case[0] for case in WEBHOOK_CASES])
async def test_webhook_delivery_bends_while_polling_goes_forward(
    emu: Emulator, client: Client, scenario: str, steps: list[float], hooks: list[str]
) -> None:
    await client.load(scenario)
    message = await sent_id(client)
    assert await observe(emu, client, message, steps) == said(client, "queued", "sent", "delivered", "read")
    await emu.advance(15)  # past every held-back webhook
    await hooks_are(client, message, *hooks)


async def test_slow_delivery_takes_minutes_then_an_hour(emu: Emulator, client: Client) -> None:
    await client.load("slow-delivery")
    message = await sent_id(client)
    seen = await observe(emu, client, message, [4, 1, 599, 1, 3599, 1])
    assert seen == said(client, "queued", "queued", "sent", "sent", "delivered", "delivered", "read")
    await hooks_are(client, message, "sent", "delivered", "read")


async def test_failure_after_sent(emu: Emulator, client: Client) -> None:
    await client.load("failure-after-sent")
    message = await sent_id(client, template=True)
    assert await observe(emu, client, message, [1, 29, 1]) == said(client, "queued", "sent", "sent", "failed")
    await hooks_are(client, message, "sent", "failed")


async def test_rate_limit_reached_then_lifted(emu: Emulator, client: Client) -> None:
    await client.load("rate-limited")
    await client.use_key("rate-limited")
    answers = [await client.send_template(CUSTOMER) for _ in range(4)]
    assert [a.id is not None for a in answers] == [True, True, True, False]
    assert answers[-1].status == 429 and int(answers[-1].headers["Retry-After"]) > 0
    contracts.validate(client.provider, client.error_contract(429), answers[-1].body)
    await emu.advance(60)
    assert (await client.send_template(CUSTOMER)).id is not None


async def test_flaky_api_answers_503_to_every_third_send(emu: Emulator, client: Client) -> None:
    await client.load("flaky-api")
    answers = [await client.send_template(CUSTOMER) for _ in range(6)]
    assert [a.status for a in answers if a.id is None] == [503, 503]
    assert [a.id is not None for a in answers] == [True, True, False, True, True, False]
    contracts.validate(client.provider, client.error_contract(503), answers[2].body)
    # Polling is a GET: untouched by the fault, and the accepted sends carry on as usual.
    await emu.advance(10)
    assert await client.status(answers[0].id or "") == client.words["read"]
