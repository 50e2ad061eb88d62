"""One control interface, in-process and over HTTP (to the CLI too): the same calls, the same answers."""

from __future__ import annotations

import pytest
import requests

from wa_emulator.testing import AsyncEmulatorControl, ControlError, ControlNotFound, EmulatorControl

MOJEEB_KEY = "mk_live_SandboxAcmeFullScope01_60f53fc0cf"  # the README's key: the fixtures' world is serve's
TEMPLATE = {"agent_id": "12345678-1234-1234-1234-123456789012", "from": "+15550100001", "to": "+15550001001",
            "template": {"name": "order_shipped", "language": "en"}}
WAZAPIN = {"channel_id": "wzp_ch_acme_main", "to": "6281234567890", "type": "template",
           "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}


def send_template(emu, to: str = "+15550001001") -> str:
    answer = requests.post(emu.url("mojeeb") + "/v1/whatsapp/templates", json=dict(TEMPLATE, to=to),
                           headers={"Authorization": f"Bearer {emu.key('mojeeb')}"}, timeout=10)
    assert answer.status_code == 202, answer.text
    return answer.json()["id"]


def test_each_implements_the_interface(control):
    assert isinstance(control, EmulatorControl)


def test_clock_now_mode_and_advance(control):
    assert control.mode == "manual"
    start = control.now
    assert control.advance(10) == pytest.approx(start + 10)
    assert control.sleep("1m") == pytest.approx(start + 70)
    assert control.clock()["epoch"] == pytest.approx(control.now)
    assert control.set_mode("scaled", 60)["factor"] == 60
    control.set_mode("manual")
    with pytest.raises(ValueError, match="clock"):
        control.set_mode("sideways")


def test_urls_and_keys_of_the_sandbox(control):
    assert control.url("mojeeb").endswith("/mojeeb") and control.url("qlara").endswith("/qlara/api")
    with pytest.raises(KeyError, match="No provider 'Mojeeb'; the providers are: mojeeb, wazapin, qlara"):
        control.url("Mojeeb")
    assert control.key("mojeeb") == MOJEEB_KEY
    assert control.key("mojeeb", "rate-limited") == "mk_live_SandboxAcmeRateLimited_af3450a674"
    with pytest.raises(KeyError, match=r"mojeeb has no key named 'nope'; its keys: full-access, "):
        control.key("mojeeb", "nope")
    assert control.credentials("qlara")["base_path"] == "/qlara/api"


def test_messages_history_waiting_and_verify(control):
    message_id = send_template(control)
    assert control.history(message_id) == ["queued"]
    message = control.wait_for_status(message_id, "read")
    assert [change["status"] for change in message["history"]] == ["queued", "sent", "delivered", "read"]
    assert control.message(message_id)["status"] == "read"
    assert message_id in [m["id"] for m in control.messages(provider="mojeeb", status="read")]
    [call] = control.verify(1, method="POST", path="/v1/whatsapp/templates", provider="mojeeb",
                            body_contains="order_shipped")
    assert call["status"] == 202
    assert control.journal(path="/templates")[0]["seq"] == call["seq"]
    with pytest.raises(AssertionError) as failure:
        control.verify(1, method="POST", path="/v1/whatsapp/messages")
    text = str(failure.value)
    assert "expected 1 request(s) matching method='POST', path='/v1/whatsapp/messages', found 0" in text
    assert "closest requests:" in text and "/mojeeb/v1/whatsapp/templates" in text and "(differs in: path)" in text
    with pytest.raises(KeyError):
        control.message("no-such-message")


def test_a_message_that_ends_elsewhere_fails_the_wait_at_once(control):
    message_id = send_template(control, to="+15550001003")  # the sandbox's "not on WhatsApp"
    with pytest.raises(AssertionError, match=r"never reached 'read': it ended; its history: .*'failed'"):
        control.wait_for_status(message_id, "read")


def test_faults_are_added_listed_and_removed(control):
    fault = control.add_fault(provider="mojeeb", method="POST", path="/v1/whatsapp/templates", status=503, times=1)
    assert [f["id"] for f in control.faults()] == [fault["id"]]
    answer = requests.post(control.url("mojeeb") + "/v1/whatsapp/templates", json=TEMPLATE,
                           headers={"Authorization": f"Bearer {MOJEEB_KEY}"}, timeout=10)
    assert answer.status_code == 503
    second = control.add_fault(provider="wazapin", latency=0.01)
    control.remove_fault(second["id"])
    with pytest.raises(ControlNotFound, match="No fault with id"):
        control.remove_fault(second["id"])
    control.clear_faults()
    assert control.faults() == []
    with pytest.raises(ControlError, match="A fault needs at least one of"):
        control.add_fault(provider="mojeeb")


def test_contacts_inbound_and_webhook_directives(control):
    assert control.set_contact("+15557654321", read_receipts=False)["read_receipts"] is False
    assert "+15557654321" in [c["phone"] for c in control.contacts()]
    inbound = control.inbound("wazapin", "+15557654321", "hi")
    assert inbound["direction"] == "inbound" and inbound["provider"] == "wazapin"
    with pytest.raises(ValueError, match="'provider' must be one of"):
        control.inbound("telegram", "+15557654321", "hi")
    sent = requests.post(control.url("wazapin") + "/v1/messages", json=WAZAPIN,
                         headers={"X-Api-Key": control.key("wazapin")}, timeout=10)
    message_id = sent.json()["data"]["id"]
    directive = control.webhook_directive(message_id, "delivered", delay="5s")
    assert directive == {"message_id": message_id, "status": "delivered", "delay": 5.0, "duplicate": 0,
                         "drop": False, "fail_attempts": 0}
    with pytest.raises(ValueError, match="'status' must be one of"):
        control.webhook_directive(message_id, "arrived")
    assert isinstance(control.deliveries(provider="wazapin"), list)


def test_scenario_load_and_reset(control):
    assert control.scenario.name == "sandbox"
    at_start = control.messages()
    send_template(control)
    control.reset()
    assert control.messages() == at_start
    assert control.load_scenario("happy-path").name == "happy-path"
    assert control.scenario.name == "happy-path"
    control.load_scenario("sandbox")


async def test_the_async_interface_answers_the_same(acontrol):
    assert isinstance(acontrol, AsyncEmulatorControl)
    assert await acontrol.mode() == "manual"
    start = await acontrol.now()
    assert await acontrol.advance(5) == pytest.approx(start + 5)
    assert await acontrol.asleep(5) == pytest.approx(start + 10)
    assert await acontrol.key("mojeeb") == MOJEEB_KEY
    assert (await acontrol.scenario()).name == "sandbox"
    message_id = send_template(acontrol.threaded if hasattr(acontrol, "threaded") else acontrol_sync(acontrol))
    message = await acontrol.wait_for_status(message_id, "delivered")
    assert message["status"] == "delivered" and await acontrol.history(message_id) == ["queued", "sent", "delivered"]
    [call] = await acontrol.verify(1, method="POST", provider="mojeeb")
    assert call["status"] == 202
    fault = await acontrol.add_fault(provider="qlara", status=500)
    assert [f["id"] for f in await acontrol.faults()] == [fault["id"]]
    await acontrol.clear_faults()
    with pytest.raises(KeyError):
        await acontrol.message("no-such-message")
    with pytest.raises(KeyError, match="the providers are"):
        acontrol.url("telegram")


def acontrol_sync(remote):
    """A blocking view of the same server, for the blocking client that sends in the async test."""
    from wa_emulator.testing import RemoteEmulator

    return RemoteEmulator(remote.base_url)
