"""The control API's lists follow contracts that describe each item, not just "an object".

Each list is filled with real items first (a message with history, an inbound one, journal
entries, webhook deliveries with attempts, a fault, a contact, a scenario), so the item
schemas are exercised, not only the empty list.
"""

import pytest

from tests.support.sinks import running_sink
from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.scenario.loader import bundled

HOOKS = "/v1/settings/developer/webhooks/endpoints"
TEMPLATE = {"channel_id": wazapin.CHANNEL_MAIN, "to": "6281234567890", "type": "template",
        "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}


async def control(http, emu, method, path, json=None):
    async with http.request(method, f"{emu.base_url}/_emulator{path}", json=json) as response:
        assert response.status < 300, await response.text()
        return await response.json() if response.status != 204 else None


async def test_every_list_follows_its_item_contract(http, emu):
    headers = {"X-Api-Key": wazapin.KEY_FULL}
    async with running_sink() as receiver:
        receiver.fail(500, times=1)
        async with http.post(emu.url("wazapin") + HOOKS, json={"url": receiver.url}, headers=headers) as response:
            assert response.status == 201
        async with http.post(emu.url("wazapin") + "/v1/messages", json=TEMPLATE, headers=headers) as response:
            message_id = (await response.json())["data"]["id"]
        await emu.advance(10)
        await emu.inbound("wazapin", "+6281234567890", "Terima kasih")
        await control(http, emu, "PUT", "/contacts/+15551234567", {"last_inbound": "-1h", "name": "Ana"})
        await control(http, emu, "POST", "/faults", {"provider": "mojeeb", "status": 503, "times": 1})

        lists = {"/messages": "message-list", "/journal": "journal", "/webhooks/deliveries": "delivery-list",
                 "/faults": "fault-list", "/contacts": "contact-list"}
        for path, name in lists.items():
            body = await control(http, emu, "GET", path)
            contracts.validate("control", name, body)
            assert body["data"], f"{path} should have items to check"

    messages = (await control(http, emu, "GET", "/messages"))["data"]
    assert {m["direction"] for m in messages} == {"inbound", "outbound"}
    assert [h["status"] for h in next(m for m in messages if m["id"] == message_id)["history"]][:2] == [
        "queued", "sent"]
    deliveries = (await control(http, emu, "GET", "/webhooks/deliveries"))["data"]
    assert any(attempt["status_code"] == 500 for d in deliveries for attempt in d["attempts"])


@pytest.mark.parametrize("name", [name for name, _ in bundled()])
async def test_a_loaded_scenario_is_shown_in_the_scenario_file_format(http, emu, name):
    loaded = await control(http, emu, "POST", "/scenario", {"name": name})
    shown = await control(http, emu, "GET", "/scenario")
    for body in (loaded, shown):
        contracts.validate("control", "scenario", body)
    assert shown["name"] == name and shown["scenario"]["version"] == 1


def test_the_scenario_contract_refuses_a_scenario_the_file_format_refuses():
    body = {"name": "x", "description": "", "source": "inline", "scenario": {"version": 2, "name": "x"}}
    with pytest.raises(contracts.ContractError, match="scenario/version"):
        contracts.validate("control", "scenario", body)
