"""The message store's cap: the oldest finished messages leave first, and the count is reported."""

from __future__ import annotations

from wa_emulator.core.models import Message
from wa_emulator.core.status import Status
from wa_emulator.core.store import Store
from wa_emulator.providers.mojeeb import sandbox
from wa_emulator.testing.emulator import Emulator

AUTH = {"Authorization": f"Bearer {sandbox.KEY_FULL}"}


async def send(http, emu) -> str:
    body = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": "+15551234567",
            "template": {"name": "hello_world", "language": "en"}}
    async with http.post(f"{emu.url('mojeeb')}/v1/whatsapp/templates", json=body, headers=AUTH) as response:
        assert response.status == 202
        return (await response.json())["id"]


async def control(http, emu, path):
    async with http.get(f"{emu.base_url}/_emulator{path}") as response:
        return response.status, await response.json()


async def test_beyond_the_cap_the_oldest_finished_messages_leave_and_answer_the_providers_404(http):
    async with Emulator(strict=True, message_cap=10) as emu:
        ids = []
        for _ in range(25):
            ids.append(await send(http, emu))
            await emu.advance(10)  # queued -> sent -> delivered -> read: finished
        status, health = await control(http, emu, "/health")
        assert status == 200 and health["messages"] == 10 and health["messages_evicted"] == 15
        status, listing = await control(http, emu, "/messages")
        assert [m["id"] for m in listing["data"]] == ids[15:] and listing["evicted"] == 15
        async with http.get(f"{emu.url('mojeeb')}/v1/whatsapp/messages/{ids[0]}", headers=AUTH) as response:
            assert response.status == 404 and (await response.json())["error"]["code"] == "message_not_found"
        async with http.get(f"{emu.url('mojeeb')}/v1/whatsapp/messages/{ids[-1]}", headers=AUTH) as response:
            assert response.status == 200
        assert (await control(http, emu, f"/messages/{ids[0]}"))[0] == 404


async def test_unfinished_messages_are_kept_over_the_cap_until_they_finish(http):
    async with Emulator(strict=True, message_cap=10) as emu:
        ids = [await send(http, emu) for _ in range(15)]  # the manual clock has not moved: all queued
        status, health = await control(http, emu, "/health")
        assert status == 200 and health["messages"] == 15 and health["messages_evicted"] == 0
        await emu.advance(10)  # all finish; the oldest leave as they do
        status, listing = await control(http, emu, "/messages")
        assert status == 200 and [m["id"] for m in listing["data"]] == ids[5:] and listing["evicted"] == 5


def test_a_message_whose_webhooks_are_pending_is_skipped_not_evicted():
    pending = {"m0"}
    store = Store(cap=2, busy=pending.__contains__)
    for n in range(3):
        store.add(Message(f"m{n}", "demo", "org", "agent", "+1", "+2", "text", 0.0, status=Status.READ))
    assert [m.id for m in store] == ["m0", "m2"] and store.evicted == 1  # m1 went instead of m0
    pending.clear()
    store.add(Message("m3", "demo", "org", "agent", "+1", "+2", "text", 0.0, status=Status.READ))
    assert [m.id for m in store] == ["m2", "m3"] and store.evicted == 2


def test_a_custom_id_of_an_evicted_message_is_forgotten_with_it():
    store = Store(cap=1)
    store.add(Message("m0", "demo", "org", "agent", "+1", "+2", "text", 0.0, status=Status.READ, custom_id="c0"))
    store.add(Message("m1", "demo", "org", "agent", "+1", "+2", "text", 0.0, status=Status.READ))
    assert store.by_custom_id("demo", "org", "c0") is None and store.get("m1") is not None
