"""The held webhook queue: hold, look, release in any order, drop, duplicate (issue 14, item 2).

The receiver is a real loopback sink, so order, signatures and retries are seen as a client's
webhook handler would see them.
"""

from __future__ import annotations

import pytest
from standardwebhooks import Webhook

from tests.providers.qlara.conftest import Qlara
from tests.providers.wazapin.conftest import TEMPLATE, Wazapin
from tests.support.sinks import running_sink
from wa_emulator.testing import WebhookSink


async def control(http, emu, method, path, json=None):
    async with http.request(method, f"{emu.base_url}/_emulator/webhooks{path}", json=json) as response:
        return response.status, (await response.json() if response.status != 204 else None)


async def wazapin_message(wazapin: Wazapin, sink: WebhookSink) -> tuple[str, dict]:
    """A Wazapin template sent with an endpoint on ``sink``: (message id, endpoint with its secret)."""
    endpoint = await wazapin.add_endpoint(sink.url, events=["message.status_update"])
    sent = await wazapin.send(TEMPLATE)
    assert sent.status == 201
    return sent.body["data"]["id"], endpoint


def verified(sink: WebhookSink, secret: str) -> list[dict]:
    """Every body the sink got, each checked with the Standard Webhooks library as a receiver would."""
    return [Webhook(secret).verify(entry.body, entry.headers) for entry in sink.received]


async def test_three_held_statuses_arrive_in_the_order_released(emu, http):
    wazapin = Wazapin(emu, http)
    async with running_sink() as sink:
        status, hold = await control(http, emu, "POST", "/hold", {})
        assert status == 201 and hold["scope"] == {} and hold["id"]
        message_id, endpoint = await wazapin_message(wazapin, sink)
        await emu.advance(10)  # sent, delivered and read all fall due
        assert sink.received == []
        status, queue = await control(http, emu, "GET", "/held")
        assert status == 200 and queue["count"] == 3 and queue["holds"] == [hold]
        assert [item["status"] for item in queue["data"]] == ["sent", "delivered", "read"]
        first = queue["data"][0]
        assert first["provider"] == "wazapin" and first["message_id"] == message_id
        assert first["event_type"] == "message.status_update" and first["url"] == sink.url
        assert first["endpoint_id"] == endpoint["id"] and first["hold_id"] == hold["id"]
        assert first["held_at"] == emu.world.clock.start_time + 1  # parked when it fell due, on the emulated clock
        assert message_id in first["body"]
        by_status = {item["status"]: item["id"] for item in queue["data"]}
        order = [by_status["read"], by_status["sent"], by_status["delivered"]]
        status, released = await control(http, emu, "POST", "/release", {"ids": order})
        assert status == 200 and [d["id"] for d in released["data"]] == order
        assert all(d["state"] == "delivered" for d in released["data"])
        sink.assert_received(message_id, ["read", "sent", "delivered"])
        # Signed on the same path as any delivery: each verifies with the endpoint's secret.
        assert [body["status"] for body in verified(sink, endpoint["secret"])] == ["read", "sent", "delivered"]
        _, queue = await control(http, emu, "GET", "/held")
        assert queue["count"] == 0
        # Each release is in the delivery log, between being parked and the attempt it led to.
        [logged] = emu.deliveries(message_id=message_id, state="delivered")[:1]
        assert [step["action"] for step in logged["queue"]] == ["held", "released"]
        assert logged["queue"][1]["at"] == emu.world.clock.now() and len(logged["attempts"]) == 1


async def test_the_python_api_holds_one_message_and_releases_it_out_of_order(emu, http):
    wazapin = Wazapin(emu, http)
    async with running_sink() as sink:
        message_id, _ = await wazapin_message(wazapin, sink)
        other = (await wazapin.send(TEMPLATE)).body["data"]["id"]
        with emu.hold_webhooks(message_id=message_id) as hold:
            await emu.advance(10)
            assert {item["message_id"] for item in hold.held()} == {message_id}
            assert sink.statuses(other) == ["sent", "delivered", "read"]  # another message is not held
            by_status = {item["status"]: item["id"] for item in emu.held()}
            await emu.release([by_status["read"], by_status["sent"], by_status["delivered"]])
        assert emu.world.dispatcher.holds() == []
        sink.assert_received(message_id, ["read", "sent", "delivered"])
        with pytest.raises(KeyError):
            await emu.release([by_status["read"]])  # released already: no longer held


async def test_held_webhooks_wait_through_any_clock_advance_and_a_reset_clears_them(emu, http):
    wazapin = Wazapin(emu, http)
    async with running_sink() as sink:
        hold = emu.hold_webhooks()
        message_id, _ = await wazapin_message(wazapin, sink)
        await emu.advance("30d")
        assert sink.received == [] and len(emu.held()) == 3
        assert {d["state"] for d in emu.deliveries(message_id=message_id)} == {"pending"}
        assert emu.history(message_id)[-1] == "read"  # polling moves on; only the webhooks wait
        async with http.post(f"{emu.base_url}/_emulator/reset") as response:
            assert response.status == 200
        assert emu.held() == [] and emu.world.dispatcher.holds() == []
        hold.stop()  # already gone with the reset: stopping is harmless
        message_id, _ = await wazapin_message(wazapin, sink)
        await emu.advance(10)
        sink.assert_received(message_id, ["sent", "delivered", "read"])


async def test_drop_loses_and_duplicate_doubles_a_held_webhook(emu, http):
    wazapin = Wazapin(emu, http)
    async with running_sink() as sink:
        message_id, endpoint = await wazapin_message(wazapin, sink)
        await control(http, emu, "POST", "/hold", {"endpoint_id": endpoint["id"]})
        await emu.advance(10)
        sent, delivered, read = (item["id"] for item in emu.held())
        status, dropped = await control(http, emu, "POST", "/drop", {"ids": [sent]})
        assert status == 200 and dropped["data"][0]["state"] == "dropped"
        status, copies = await control(http, emu, "POST", "/duplicate", {"ids": [read]})
        assert status == 201
        [copy] = copies["data"]
        assert copy["copy"] == 1 and copy["event_id"] == emu.world.dispatcher.get(read).event_id
        assert [item["id"] for item in emu.held()] == [delivered, read, copy["id"]]
        status, released = await control(http, emu, "POST", "/release", {"order": "reverse"})
        assert status == 200 and [d["id"] for d in released["data"]] == [copy["id"], read, delivered]
        await emu.advance("1d")
        sink.assert_received(message_id, ["read", "read", "delivered"])
        ids = [entry.headers["svix-id"] for entry in sink.received]
        assert ids[0] == ids[1] != ids[2]  # a duplicate is the same event: receivers de-duplicate on svix-id
        assert [step["action"] for step in emu.world.dispatcher.get(sent).to_json()["queue"]] == ["held", "dropped"]


async def test_a_released_webhook_is_retried_by_the_providers_own_schedule(emu, http):
    qlara = Qlara(emu, http)
    async with running_sink() as sink:
        assert (await qlara.set_webhook(sink.url)).status == 201
        emu.hold_webhooks(provider="qlara")
        assert (await qlara.send()).status == 200
        await emu.advance(3)  # sent and delivered: two DELIVERY events, held
        assert sink.received == [] and len(emu.held()) == 2
        sink.fail(times=1)
        [first, second] = await emu.release()
        assert first["state"] == "pending" and first["attempts"][0]["status_code"] == 500
        assert first["next_attempt_at"] == emu.world.clock.now() + 30  # Qlara's 30 s retry, not held again
        assert second["state"] == "delivered"
        await emu.advance(30)
        assert [entry.answered for entry in sink.received] == [500, 200, 200]
        assert emu.world.dispatcher.get(first["id"]).state == "delivered"


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [
        ("POST", "/hold", {"message": "m1"}, 422, "message"),
        ("POST", "/hold", {"message_id": 7}, 422, "message_id"),
        ("POST", "/hold", {"all": True, "provider": "qlara"}, 422, "all"),
        ("POST", "/release", {"ids": "abc"}, 422, "ids"),
        ("POST", "/release", {"ids": ["nope"]}, 404, "ids"),
        ("POST", "/release", {"order": "random"}, 422, "order"),
        ("POST", "/release", {"ids": [], "order": "held"}, 422, "order"),
        ("POST", "/release", {"idz": []}, 422, "idz"),
        ("POST", "/drop", {"ids": ["nope"]}, 404, "ids"),
        ("POST", "/drop", {"order": "held"}, 422, "order"),
        ("POST", "/duplicate", {"ids": [1]}, 422, "ids"),
    ],
)
async def test_bad_queue_requests_name_the_field(emu, http, method, path, body, status, field):
    answered, answer = await control(http, emu, method, path, body)
    assert answered == status and answer["error"]["field"] == field, answer


async def test_an_id_named_twice_or_an_unknown_hold_is_refused_and_nothing_changes(emu, http):
    wazapin = Wazapin(emu, http)
    async with running_sink() as sink:
        emu.hold_webhooks()
        await wazapin_message(wazapin, sink)
        await emu.advance(1)
        [held] = emu.held()
        status, answer = await control(http, emu, "POST", "/release", {"ids": [held["id"], "nope"]})
        assert status == 404 and answer["error"]["id"] == "nope"
        status, answer = await control(http, emu, "POST", "/release", {"ids": [held["id"], held["id"]]})
        assert status == 422 and answer["error"]["field"] == "ids"
        assert [item["id"] for item in emu.held()] == [held["id"]] and sink.received == []
        assert (await control(http, emu, "DELETE", "/hold/hold_99"))[0] == 404
        status, holds = await control(http, emu, "GET", "/hold")
        assert status == 200 and holds["count"] == 1
        assert (await control(http, emu, "DELETE", "/hold"))[0] == 204
        assert (await control(http, emu, "GET", "/hold"))[1]["count"] == 0
        assert len(emu.held()) == 1  # stopping holds leaves the queue as it is
        async with http.post(f"{emu.base_url}/_emulator/webhooks/release") as response:  # no body at all: all
            assert response.status == 200 and (await response.json())["count"] == 1
        assert len(sink.received) == 1
