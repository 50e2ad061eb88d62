"""The sink's "nothing unexpected arrived" check, and waits bounded on the emulated clock."""

from __future__ import annotations

import pytest
import requests

WAZAPIN = {"X-Api-Key": "wzp_sandbox_acme_full_0000000001"}
TEMPLATE = {"channel_id": "wzp_ch_acme_main", "to": "6281234567890", "type": "template",
            "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}


def send(emu, sink) -> str:
    requests.post(emu.url("wazapin") + "/v1/settings/developer/webhooks/endpoints", headers=WAZAPIN, timeout=5,
                  json={"url": sink.url, "events": ["message.status_update"]})
    return requests.post(emu.url("wazapin") + "/v1/messages", json=TEMPLATE, headers=WAZAPIN,
                         timeout=5).json()["data"]["id"]


def test_a_duplicate_the_test_did_not_expect_is_reported(wa_emulator, wa_webhook_sink):
    message_id = send(wa_emulator, wa_webhook_sink)
    wa_emulator.webhook_directive(message_id, "delivered", duplicate=1)
    wa_emulator.advance(3)
    assert wa_webhook_sink.statuses(message_id) == ["sent", "delivered", "delivered"]
    with pytest.raises(AssertionError, match=r"3 unexpected webhook\(s\) of 3 received:\n  POST /webhooks -> 200: "):
        wa_webhook_sink.assert_no_unexpected()
    with pytest.raises(AssertionError, match="expected status values"):
        wa_webhook_sink.assert_received(message_id, ["sent", "delivered"])
    assert wa_webhook_sink.expect(message_id) == 3
    wa_webhook_sink.assert_no_unexpected()


def test_wait_until_advances_the_emulated_clock_until_the_webhook_came(wa_emulator, wa_webhook_sink):
    message_id = send(wa_emulator, wa_webhook_sink)
    before = wa_emulator.now

    def read_arrived() -> bool:
        return "read" in wa_webhook_sink.statuses(message_id)

    assert wa_emulator.wait_until(read_arrived, within="1m") == pytest.approx(10)  # read at 10 s
    assert wa_emulator.now - before == pytest.approx(10)
    with pytest.raises(AssertionError, match="did not hold within 5 emulated seconds"):
        wa_emulator.wait_until(lambda: False, within=5)


async def test_waits_are_awaited_in_async_tests(wa_emulator, wa_webhook_sink):
    message_id = send(wa_emulator, wa_webhook_sink)
    message = await wa_emulator.wait_for_status(message_id, "delivered")
    assert message["status"] == "delivered"
    await wa_emulator.wait_until(lambda: "read" in wa_webhook_sink.statuses(message_id), within="1m")
    wa_webhook_sink.assert_received(message_id, ["sent", "delivered", "read"])
    wa_webhook_sink.assert_no_unexpected()


def test_python_calls_raise_value_and_key_errors(wa_emulator):
    with pytest.raises(ValueError, match="Unknown contact field"):
        wa_emulator.set_contact("+15551234567", colour="red")
    with pytest.raises(KeyError, match="No message with id 'nope'"):
        wa_emulator.history("nope")
    with pytest.raises(ValueError, match="unknown status 'READ'; use one of"):
        wa_emulator.wait_for_status("nope", "READ")
