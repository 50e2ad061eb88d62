"""Request bins: the emulator receives its own webhooks and checks their signatures (issue 14, item 3)."""

from __future__ import annotations

import json
import time
import urllib.request

from tests.providers.qlara.conftest import Qlara
from tests.providers.wazapin.conftest import TEMPLATE, Wazapin
from wa_emulator.core.bins import PER_BIN, Bins
from wa_emulator.providers.wazapin import sandbox, signing
from wa_emulator.testing.threaded import ThreadedEmulator


async def bin_call(http, emu, method, name, **kw):
    path = f"/_emulator/bin/{name}" if name else "/_emulator/bin"
    async with http.request(method, emu.base_url + path, **kw) as response:
        return response.status, (await response.json() if response.status != 204 else None)


async def test_wazapin_webhooks_to_the_emulators_own_bin_are_kept_and_verified(emu, http):
    wazapin = Wazapin(emu, http)
    endpoint = await wazapin.add_endpoint(emu.bin_url("orders"), events=["message.status_update"])
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await emu.advance(10)  # a manual clock waits for each delivery: to itself, it must not deadlock
    assert [d["state"] for d in emu.deliveries(message_id=message_id)] == ["delivered"] * 3
    status, kept = await bin_call(http, emu, "GET", "orders")
    assert status == 200 and kept["count"] == 3 and kept["path"] == "/_emulator/bin/orders"
    first = kept["data"][0]
    assert first["provider"] == "wazapin" and first["method"] == "POST" and first["seq"] == 1
    assert first["signature"] == {"result": "valid", "endpoint_id": endpoint["id"],
                                  "detail": f"v1 signature matches the secret of endpoint {endpoint['id']}."}
    assert first["headers"]["svix-id"].startswith("msg_") and message_id in first["body"]
    assert first["received_at"] == emu.world.clock.start_time + 1
    assert [r["signature"]["result"] for r in emu.bin("orders")] == ["valid"] * 3


async def test_a_forged_or_unknown_signature_is_reported_not_refused(emu, http):
    wazapin = Wazapin(emu, http)
    await wazapin.add_endpoint(emu.bin_url("checked"))
    now = int(time.time())
    forged = signing.headers(["whsec_" + "A" * 32], "msg_forged", now, b'{"status": "read"}')
    status, receipt = await bin_call(http, emu, "POST", "checked", data=b'{"status": "read"}', headers=forged)
    assert status == 200 and receipt == {"bin": "checked", "seq": 1}
    status, _ = await bin_call(http, emu, "POST", "nobody", data=b"{}", headers=forged)
    assert status == 200
    [checked], [unchecked] = emu.bin("checked"), emu.bin("nobody")
    assert checked["signature"]["result"] == "invalid" and "No v1 signature matches" in checked["signature"]["detail"]
    assert unchecked["signature"]["result"] == "unchecked"  # no endpoint points there: no secret to check with
    status, _ = await bin_call(http, emu, "POST", "plain", data=b"not json")
    assert status == 200 and emu.bin("plain")[0]["provider"] is None and emu.bin("plain")[0]["signature"] is None


async def test_qlara_webhooks_are_recognized_and_marked_unsigned(emu, http):
    qlara = Qlara(emu, http)
    assert (await qlara.set_webhook(emu.bin_url())).status == 201
    assert (await qlara.send()).status == 200
    await emu.advance(10)
    kept = emu.bin()  # the "demo" bin
    assert [r["provider"] for r in kept] == ["qlara"] * 3
    assert {r["signature"]["result"] for r in kept} == {"unsigned"}
    assert all(d["state"] == "delivered" for d in emu.deliveries(provider="qlara"))  # Qlara wants a 200: it got one


async def test_bins_are_listed_cleared_bounded_and_emptied_by_a_reset(emu, http):
    for _ in range(PER_BIN + 5):
        assert (await bin_call(http, emu, "POST", "busy", json={"n": 1}))[0] == 200
    await bin_call(http, emu, "POST", "quiet", json={})
    status, listing = await bin_call(http, emu, "GET", "")
    assert status == 200 and listing["data"] == [{"name": "busy", "path": "/_emulator/bin/busy", "count": PER_BIN},
                                                 {"name": "quiet", "path": "/_emulator/bin/quiet", "count": 1}]
    assert emu.bin("busy")[0]["seq"] == 6  # the oldest went first
    assert (await bin_call(http, emu, "DELETE", "busy"))[0] == 204
    assert (await bin_call(http, emu, "GET", "busy"))[1]["count"] == 0  # any name is a ready, empty bin
    emu.reset()
    assert (await bin_call(http, emu, "GET", ""))[1]["count"] == 0
    for method in ("GET", "POST", "DELETE"):
        status, answer = await bin_call(http, emu, method, "no%20spaces")
        assert status == 422 and answer["error"]["field"] == "name", method


def test_the_number_of_bins_and_the_body_kept_are_bounded():
    bins = Bins(max_bins=2, body_limit=4)
    for name in ("a", "b", "a", "c"):  # "b" is the least recently posted to when "c" arrives
        bins.record(name, at=0, wall_at=0, method="POST", path="/", query="", headers={}, body=b"123456")
    assert bins.names() == ["a", "c"]
    [receipt] = bins.receipts("c")
    assert receipt.to_json()["body"] == "1234" and receipt.to_json()["truncated"] and receipt.size == 6


async def test_a_held_webhook_released_into_a_bin_arrives_signed(emu, http):
    wazapin = Wazapin(emu, http)
    await wazapin.add_endpoint(emu.bin_url("held"), events=["message.status_update"])
    emu.hold_webhooks()
    await wazapin.send(TEMPLATE)
    await emu.advance(10)
    assert emu.bin("held") == []
    ids = [item["id"] for item in emu.held()]
    await emu.release(ids[::-1])
    kept = emu.bin("held")
    assert [r["signature"]["result"] for r in kept] == ["valid"] * 3
    assert [r["body"].count('"read"') for r in kept] == [1, 0, 0]


def test_a_threaded_emulator_delivers_to_its_own_bin_on_a_manual_clock():
    with ThreadedEmulator() as emu:
        def post(path: str, body: dict) -> dict:
            request = urllib.request.Request(emu.url("wazapin") + path, data=json.dumps(body).encode(), headers={
                "X-Api-Key": sandbox.KEY_FULL, "Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                return json.loads(response.read())

        post("/v1/settings/developer/webhooks/endpoints", {"url": emu.bin_url("sync")})
        post("/v1/messages", TEMPLATE)
        emu.advance(10)  # blocks this thread while the loop thread delivers to itself
        assert [r["signature"]["result"] for r in emu.bin("sync")] == ["valid"] * 3
