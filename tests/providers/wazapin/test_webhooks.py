"""Webhook endpoints, Svix signatures, retries and delivery order, against a real receiver."""

import socket
import time

import pytest
from standardwebhooks import Webhook

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox
from wa_emulator.testing import WebhookSink

from .conftest import CUSTOMER, TEMPLATE, WEBHOOKS, started_sink

SVIX_SCHEDULE = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]


def statuses(sink: WebhookSink) -> list[str]:
    return [body["status"] for body in sink.bodies()]


async def directive(http, emu, **body):
    async with http.post(emu.base_url + "/_emulator/webhooks/directives", json=body) as response:
        assert response.status == 201, await response.text()


# -- endpoint management -------------------------------------------------------------------


async def test_endpoint_secret_is_shown_once_and_listing_hides_it(wazapin, sink):
    endpoint = await wazapin.add_endpoint(sink.url, events=["message.status_update"], description="main")
    assert endpoint["secret"].startswith("whsec_") and endpoint["events"] == ["message.status_update"]
    assert endpoint["payload_format"] == "flat" and endpoint["disabled"] is False
    listing = await wazapin.call("GET", WEBHOOKS)
    assert listing.status == 200
    [listed] = listing.body["data"]["endpoints"]
    assert listed["id"] == endpoint["id"] and "secret" not in listed
    assert "message.new" in listing.body["data"]["event_types"]
    other = await wazapin.call("GET", WEBHOOKS, key=sandbox.KEY_GLOBEX)
    assert other.body["data"]["endpoints"] == []


async def test_patch_changes_some_fields_and_put_replaces_them(wazapin, sink):
    endpoint = await wazapin.add_endpoint(sink.url, events=["message.new"], description="d")
    path = f"{WEBHOOKS}/endpoints/{endpoint['id']}"
    patched = await wazapin.call("PATCH", path, json={"disabled": True})
    assert patched.status == 200 and patched.body["data"]["disabled"] is True
    assert patched.body["data"]["events"] == ["message.new"] and "secret" not in patched.body["data"]
    put = await wazapin.call("PUT", path, json={"url": sink.url + "/v2"})
    contracts.validate("wazapin", "webhook-endpoint", put.body)
    assert put.body["data"]["url"] == sink.url + "/v2"
    assert put.body["data"]["events"] == [] and put.body["data"]["disabled"] is False
    assert (await wazapin.call("PATCH", path, json={})).status == 400
    assert (await wazapin.call("PUT", path, json={"events": []})).status == 400, "PUT needs the url"


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({}, 400, "url is required"),
        ({"url": 5}, 400, "url must be a string"),
        ({"url": "not a url"}, 422, "absolute http(s) URL"),
        ({"url": "https://example.com/h", "events": ["message.deleted"]}, 422, "unknown event type"),
        ({"url": "https://example.com/h", "events": "message.new"}, 400, "array"),
        ({"url": "https://example.com/h", "payload_format": "xml"}, 422, "payload_format"),
        ({"url": "https://example.com/h", "disabled": "yes"}, 400, "true or false"),
    ],
)
async def test_invalid_endpoint_bodies(wazapin, body, status, detail):
    answer = await wazapin.call("POST", f"{WEBHOOKS}/endpoints", json=body)
    assert answer.status == status and detail in answer.body["detail"]


async def test_duplicate_url_is_409_and_other_orgs_endpoints_are_404(wazapin, sink):
    endpoint = await wazapin.add_endpoint(sink.url)
    answer = await wazapin.call("POST", f"{WEBHOOKS}/endpoints", json={"url": sink.url})
    assert answer.status == 409
    path = f"{WEBHOOKS}/endpoints/{endpoint['id']}"
    for method in ("PATCH", "DELETE"):
        answer = await wazapin.call(method, path, key=sandbox.KEY_GLOBEX, json={"disabled": True})
        assert answer.status == 404
    assert (await wazapin.call("DELETE", path)).status == 204
    assert (await wazapin.call("DELETE", path)).status == 404
    assert (await wazapin.call("POST", path + "/test")).status == 404


# -- signatures -----------------------------------------------------------------------------


async def test_deliveries_verify_with_standardwebhooks_and_carry_wall_clock_timestamps(wazapin, sink, emu):
    await emu.advance(5 * 86400)  # the emulated clock is days ahead of the real one
    endpoint = await wazapin.add_endpoint(sink.url)
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await emu.advance(10)
    assert statuses(sink) == ["sent", "delivered", "read"]
    verifier = Webhook(endpoint["secret"])
    for item in sink.received:
        body = verifier.verify(item.body, item.headers)
        contracts.validate("wazapin", "webhook-status-update", body)
        assert body["message_id"] == message_id and body["organization_id"] == sandbox.ORG_ACME
        for name in ("id", "timestamp", "signature"):
            assert item.headers[f"svix-{name}"] == item.headers[f"webhook-{name}"]
        assert abs(int(item.headers["svix-timestamp"]) - time.time()) < 300
    assert len({item.headers["svix-id"] for item in sink.received}) == 3
    tampered = sink.received[0]
    with pytest.raises(Exception, match="signature"):
        verifier.verify(tampered.body.replace(b"sent", b"read"), tampered.headers)


async def test_rotation_gives_a_new_secret_and_the_old_one_still_verifies_for_a_day(wazapin, sink, emu):
    endpoint = await wazapin.add_endpoint(sink.url)
    path = f"{WEBHOOKS}/endpoints/{endpoint['id']}"
    rotated = await wazapin.call("POST", path + "/rotate-secret")
    assert rotated.status == 200 and rotated.body["data"]["secret"] != endpoint["secret"]
    await wazapin.call("POST", path + "/test")
    await emu.settle()
    for secret in (endpoint["secret"], rotated.body["data"]["secret"]):
        Webhook(secret).verify(sink.received[-1].body, sink.received[-1].headers)
    await emu.advance(86400)
    await wazapin.call("POST", path + "/test")
    await emu.settle()
    assert len(sink.received[-1].headers["svix-signature"].split(" ")) == 1
    Webhook(rotated.body["data"]["secret"]).verify(sink.received[-1].body, sink.received[-1].headers)


# -- retries --------------------------------------------------------------------------------


async def test_a_failing_receiver_is_retried_on_svix_schedule_until_it_answers_2xx(wazapin, emu):
    async with started_sink() as rx:
        rx.fail(500, times=2)
        endpoint = await wazapin.add_endpoint(rx.url, events=["message.new"])
        answer = await wazapin.call("POST", f"{WEBHOOKS}/endpoints/{endpoint['id']}/test")
        assert answer.status == 202 and answer.body["data"]["event_type"] == "webhook.test"
        await emu.settle()
        await emu.advance(5)
        rx.fail(503, times=1)
        await emu.advance(300)
        [delivery] = await wazapin.deliveries(endpoint_id=endpoint["id"])
        assert delivery["state"] == "pending" and len(delivery["attempts"]) == 3
        await emu.advance(1800)
        [delivery] = await wazapin.deliveries(endpoint_id=endpoint["id"])
        assert delivery["state"] == "delivered"
        assert [a["status_code"] for a in delivery["attempts"]] == [500, 500, 503, 200]
        assert len({item.headers["svix-id"] for item in rx.received}) == 1, "retries keep the event id"
        assert rx.bodies()[0]["endpoint_id"] == endpoint["id"]


async def test_a_receiver_that_is_down_exhausts_all_eight_attempts_and_polling_stays_right(wazapin, emu):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/hook"
    await wazapin.add_endpoint(url)
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await emu.advance(sum(SVIX_SCHEDULE) + 10)
    found = await wazapin.deliveries(message_id=message_id)
    assert sorted(d["status"] for d in found) == ["delivered", "read", "sent"]
    for delivery in found:
        assert delivery["state"] == "failed" and len(delivery["attempts"]) == len(SVIX_SCHEDULE)
        assert all(a["status_code"] is None and a["error"] for a in delivery["attempts"])
    assert (await wazapin.get(message_id)).body["data"]["status"] == "read"


# -- order, duplicates, drops ---------------------------------------------------------------


async def test_read_can_arrive_before_delivered(wazapin, sink, emu, http):
    await wazapin.add_endpoint(sink.url)
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await directive(http, emu, message_id=message_id, status="delivered", delay="10s")
    await emu.advance(10)
    assert statuses(sink) == ["sent", "read"]
    await emu.advance(3)
    assert statuses(sink) == ["sent", "read", "delivered"]
    assert (await wazapin.status(message_id)).body["data"]["status"] == "read", "polling never goes back"


async def test_duplicates_share_the_svix_id(wazapin, sink, emu, http):
    await wazapin.add_endpoint(sink.url)
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await directive(http, emu, message_id=message_id, status="read", duplicate=1)
    await emu.advance(10)
    assert statuses(sink) == ["sent", "delivered", "read", "read"]
    assert sink.received[2].headers["svix-id"] == sink.received[3].headers["svix-id"]


async def test_a_dropped_webhook_leaves_polling_right_and_can_be_retried(wazapin, sink, emu, http):
    await wazapin.add_endpoint(sink.url)
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await directive(http, emu, message_id=message_id, status="delivered", drop=True)
    await emu.advance(10)
    assert statuses(sink) == ["sent", "read"]
    record = (await wazapin.get(message_id)).body["data"]
    assert record["status"] == "read" and record["delivered_at"] is not None
    dropped = await wazapin.deliveries(message_id=message_id, state="dropped")
    assert [d["status"] for d in dropped] == ["delivered"]
    retry = await wazapin.call("POST", f"{WEBHOOKS}/deliveries/{message_id}/retry")
    assert retry.status == 202 and retry.body["data"]["retried"] == 1
    await emu.settle()
    assert statuses(sink) == ["sent", "read", "delivered"]
    again = await wazapin.call("POST", f"{WEBHOOKS}/deliveries/{message_id}/retry")
    assert again.status == 409
    assert (await wazapin.call("POST", f"{WEBHOOKS}/deliveries/nope/retry")).status == 404


async def test_deliveries_listing_validates_its_limit(wazapin):
    for bad in ("0", "101", "x"):
        assert (await wazapin.call("GET", f"{WEBHOOKS}/deliveries?limit={bad}")).status == 400


# -- event filters and bodies ------------------------------------------------------------------


async def test_endpoints_receive_only_the_events_they_subscribed_to(wazapin, emu, http):
    async with started_sink() as inbound_rx, started_sink() as status_rx, started_sink() as off_rx:
        await wazapin.add_endpoint(inbound_rx.url, events=["message.new"])
        await wazapin.add_endpoint(status_rx.url, events=["message.status_update"])
        await wazapin.add_endpoint(off_rx.url, disabled=True)
        async with http.post(emu.base_url + "/_emulator/inbound",
                             json={"provider": "wazapin", "from": CUSTOMER, "text": "hi"}) as response:
            inbound_id = (await response.json())["id"]
        await wazapin.send()
        await emu.advance(10)
        [new] = inbound_rx.bodies()
        contracts.validate("wazapin", "webhook-message-new", new)
        assert new["message_id"] == inbound_id and new["from_phone"] == CUSTOMER
        assert new["channel_id"] == sandbox.CHANNEL_MAIN and new["msg_type"] == "text"
        assert statuses(status_rx) == ["sent", "delivered", "read"]
        assert off_rx.received == []


async def test_an_endpoint_can_ask_for_the_event_envelope(wazapin, sink, emu):
    await wazapin.add_endpoint(sink.url, payload_format="envelope")
    message_id = (await wazapin.send(TEMPLATE)).body["data"]["id"]
    await emu.advance(1)
    [body] = sink.bodies()
    contracts.validate("wazapin", "webhook-envelope", body)
    assert body["event_type"] == "message.status_update" and body["event_id"] == sink.received[0].headers["svix-id"]
    assert body["data"] == {"message_id": message_id, "conversation_id": body["data"]["conversation_id"],
                            "status": "sent", "organization_id": sandbox.ORG_ACME}
    assert body["occurred_at"].startswith(time.strftime("%Y-%m-%dT", time.gmtime(emu.world.clock.now())))


async def test_a_slow_receiver_never_holds_up_the_api(wazapin, emu):
    async with started_sink() as rx:
        rx.slow(0.3)
        endpoint = await wazapin.add_endpoint(rx.url)
        answer = await wazapin.call("POST", f"{WEBHOOKS}/endpoints/{endpoint['id']}/test")
        assert answer.status == 202 and answer.body["data"]["state"] == "pending"
        assert (await wazapin.send(TEMPLATE)).status == 201, "answered while the sink is still stalling"
        await emu.settle()
        [delivery] = await wazapin.deliveries(endpoint_id=endpoint["id"])
        assert delivery["state"] == "delivered" and delivery["attempts"][0]["latency_ms"] >= 250


async def test_reset_forgets_endpoints(wazapin, sink, emu, http):
    await wazapin.add_endpoint(sink.url)
    async with http.post(emu.base_url + "/_emulator/reset") as response:
        assert response.status < 300
    assert (await wazapin.call("GET", WEBHOOKS)).body["data"]["endpoints"] == []


async def test_deleting_an_endpoint_stops_its_retries(wazapin, emu):
    async with started_sink() as rx:
        rx.fail(500)
        endpoint = await wazapin.add_endpoint(rx.url)
        await wazapin.call("POST", f"{WEBHOOKS}/endpoints/{endpoint['id']}/test")
        await emu.settle()
        [before] = await wazapin.deliveries(endpoint_id=endpoint["id"])
        assert (await wazapin.call("DELETE", f"{WEBHOOKS}/endpoints/{endpoint['id']}")).status == 204
        await emu.advance(sum(SVIX_SCHEDULE))
        assert len(rx.received) == 1
        [after] = await wazapin.deliveries(endpoint_id=endpoint["id"])
        assert after["id"] == before["id"] and after["state"] == "cancelled" and len(after["attempts"]) == 1
