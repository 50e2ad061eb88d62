"""A nonsensical clock move is refused with 422 and leaves the emulator working for everyone.

Before this, ``{"seconds": "NaN"}`` made the emulated time NaN: every later provider call answered 500.
"""

import pytest

from wa_emulator.providers.mojeeb import sandbox

AUTH = {"Authorization": f"Bearer {sandbox.KEY_FULL}"}
TEMPLATE = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
            "template": {"name": "hello_world", "language": "en"}}


@pytest.mark.parametrize("body", [
    {"seconds": "NaN"}, {"seconds": "inf"}, {"seconds": 1e308}, {"seconds": 10**400}, {"seconds": None},
    {"seconds": [1]}, {"seconds": {"s": 1}}, {"to": "9999-12-31T23:59:59Z"},
])
async def test_an_unusable_advance_is_refused_and_providers_keep_answering(http, emu, body):
    before = emu.world.clock.now()
    async with http.post(f"{emu.base_url}/_emulator/clock/advance", json=body) as response:
        assert response.status == 422
        assert (await response.json())["error"]["code"] == "invalid_duration"
    assert emu.world.clock.now() == before
    async with http.post(f"{emu.url('mojeeb')}/v1/whatsapp/templates", json=TEMPLATE, headers=AUTH) as response:
        assert response.status == 202
        message_id = (await response.json())["id"]
    await emu.advance(3)
    async with http.get(f"{emu.url('mojeeb')}/v1/whatsapp/messages/{message_id}", headers=AUTH) as response:
        assert response.status == 200 and (await response.json())["status"] == "delivered"


@pytest.mark.parametrize("value", ["NaN", 1e308, [], {"a": 1}])
async def test_an_unusable_last_inbound_is_refused(http, emu, value):
    async with http.put(f"{emu.base_url}/_emulator/contacts/+15550009999", json={"last_inbound": value}) as response:
        assert response.status == 422
        assert (await response.json())["error"]["code"] == "invalid_time"
