"""The /_emulator/ control API: the shapes scripts and CI rely on (design.md)."""

from wa_emulator.providers.mojeeb import sandbox
from wa_emulator.providers.wazapin import sandbox as wazapin_sandbox


async def call(http, emu, method, path, json=None):
    async with http.request(method, f"{emu.base_url}/_emulator{path}", json=json) as response:
        return response.status, await response.json()


async def send_template(http, emu, to="+15551234567"):
    body = {"agent_id": sandbox.AGENT_SUPPORT, "from": "+15550100001", "to": to,
            "template": {"name": "hello_world", "language": "en"}}
    async with http.post(f"{emu.url('mojeeb')}/v1/whatsapp/templates", json=body,
                         headers={"Authorization": f"Bearer {sandbox.KEY_FULL}"}) as response:
        return (await response.json())["id"]


async def send_wazapin(http, emu, to="6281234567890"):
    """A Wazapin template (Wazapin sends webhooks; Mojeeb, whose messages send_template makes, does not)."""
    body = {"channel_id": wazapin_sandbox.CHANNEL_MAIN, "to": to, "type": "template",
            "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}
    async with http.post(f"{emu.url('wazapin')}/v1/messages", json=body,
                         headers={"X-Api-Key": wazapin_sandbox.KEY_FULL}) as response:
        assert response.status == 201, await response.text()
        return (await response.json())["data"]["id"]


async def test_health_and_clock(http, emu):
    status, body = await call(http, emu, "GET", "/health")
    assert status == 200 and body["status"] == "ok" and "mojeeb" in body["providers"]
    status, clock = await call(http, emu, "GET", "/clock")
    assert status == 200 and clock["mode"] == "manual" and clock["now"].endswith("Z")
    status, after = await call(http, emu, "POST", "/clock/advance", {"seconds": "1d"})
    assert status == 200 and after["epoch"] == clock["epoch"] + 86400


async def test_advance_runs_due_events_before_answering(http, emu):
    message_id = await send_template(http, emu)
    await call(http, emu, "POST", "/clock/advance", {"seconds": 10})
    status, message = await call(http, emu, "GET", f"/messages/{message_id}")
    assert status == 200
    assert [h["status"] for h in message["history"]] == ["queued", "sent", "delivered", "read"]


async def test_bad_advance_requests_are_refused_clearly(http, emu):
    for body, code in [({}, "missing_field"), ({"seconds": -5}, "clock_backwards"),
                       ({"seconds": "soon"}, "invalid_duration"), ({"to": "yesterday"}, "invalid_time")]:
        status, answer = await call(http, emu, "POST", "/clock/advance", body)
        assert status == 422 and answer["error"]["code"] == code


async def test_clock_mode_can_be_switched(http, emu):
    status, body = await call(http, emu, "POST", "/clock/mode", {"mode": "scaled", "factor": 60})
    assert status == 200 and body["mode"] == "scaled" and body["factor"] == 60
    status, body = await call(http, emu, "POST", "/clock/mode", {"mode": "sideways"})
    assert status == 422 and body["error"]["code"] == "invalid_clock_mode"


async def test_credentials_are_keyed_by_provider(http, emu):
    status, body = await call(http, emu, "GET", "/credentials")
    assert status == 200
    keys = [k["secret"] for org in body["mojeeb"]["organizations"] for k in org["keys"]]
    assert sandbox.KEY_FULL in keys and sandbox.KEY_REVOKED in keys


async def test_reset_forgets_messages_journal_and_time(http, emu):
    await send_template(http, emu)
    await call(http, emu, "POST", "/clock/advance", {"seconds": 60})
    status, _ = await call(http, emu, "POST", "/reset")
    assert status == 200
    _, messages = await call(http, emu, "GET", "/messages")
    _, journal = await call(http, emu, "GET", "/journal")
    _, clock = await call(http, emu, "GET", "/clock")
    assert messages["count"] == 0 and journal["count"] == 0
    assert clock["epoch"] == emu.world.clock.start_time


async def test_journal_records_provider_calls_with_filters(http, emu):
    await send_template(http, emu)
    _, journal = await call(http, emu, "GET", "/journal?provider=mojeeb&method=POST")
    [entry] = journal["data"]
    assert entry["status"] == 202 and entry["path"] == "/mojeeb/v1/whatsapp/templates"
    assert entry["correlation_id"].startswith("req_") and "hello_world" in entry["request_body"]


async def test_inbound_opens_the_window_and_contacts_can_be_set(http, emu):
    status, inbound = await call(http, emu, "POST", "/inbound",
                                 {"provider": "mojeeb", "from": "+15551234567", "text": "hi"})
    assert status == 201 and inbound["direction"] == "inbound"
    _, contacts = await call(http, emu, "GET", "/contacts")
    assert contacts["data"][0]["last_inbound"] is not None
    status, contact = await call(http, emu, "PUT", "/contacts/+15557654321",
                                 {"read_receipts": False, "last_inbound": "-1h"})
    assert status == 200 and contact["read_receipts"] is False
    status, bad = await call(http, emu, "PUT", "/contacts/+15557654321", {"read_receipts": "no"})
    assert status == 422 and bad["error"]["code"] == "invalid_field"


async def test_unknown_control_paths_get_a_json_error(http, emu):
    status, body = await call(http, emu, "GET", "/nope")
    assert status == 404 and body["error"]["code"] == "route_not_found"
    async with http.get(f"{emu.base_url}/somewhere") as response:
        assert response.status == 404 and "providers" in await response.json()


async def test_webhook_directive_is_validated_and_applied_to_the_status_event(http, emu):
    message_id = await send_wazapin(http, emu)
    events = []
    emu.world.on_status(events.append)
    status, body = await call(http, emu, "POST", "/webhooks/directives",
                              {"message_id": message_id, "status": "delivered", "delay": "5s", "duplicate": 1})
    assert status == 201 and body["delay"] == 5.0
    for bad, code in [({"message_id": "nope", "status": "read"}, "message_not_found"),
                      ({"message_id": message_id, "status": "seen"}, "invalid_status"),
                      ({"message_id": message_id, "status": "read", "duplicate": -1}, "invalid_field")]:
        status, answer = await call(http, emu, "POST", "/webhooks/directives", bad)
        assert answer["error"]["code"] == code
    await emu.advance(10)
    delivered = [e for e in events if e.status.value == "delivered"]
    assert delivered[0].directive.delay == 5.0 and delivered[0].directive.duplicate == 1
    status, answer = await call(http, emu, "POST", "/webhooks/directives",
                                {"message_id": message_id, "status": "sent"})
    assert status == 409 and answer["error"]["code"] == "status_already_reached"


async def test_inbound_accepts_the_business_number_with_or_without_plus(http, emu):
    for business in ["+15550100001", "15550100001"]:
        status, inbound = await call(http, emu, "POST", "/inbound",
                                     {"provider": "mojeeb", "from": "15551234567", "to": business, "text": "hi"})
        assert status == 201 and inbound["to"] == "+15550100001" and inbound["from"] == "+15551234567"
    status, body = await call(http, emu, "POST", "/inbound",
                              {"provider": "mojeeb", "from": "+15551234567", "to": "+19999999999", "text": "hi"})
    assert status == 422 and body["error"]["code"] == "unknown_business_number"


async def test_a_directive_can_count_first_attempts_failed_so_the_provider_retries(http, emu):
    message_id = await send_wazapin(http, emu)
    events = []
    emu.world.on_status(events.append)
    status, body = await call(http, emu, "POST", "/webhooks/directives",
                              {"message_id": message_id, "status": "delivered", "fail_attempts": 2})
    assert status == 201 and body["fail_attempts"] == 2
    for bad in ({"message_id": message_id, "status": "read", "fail_attempts": 21},
                {"message_id": message_id, "status": "read", "fail_attempts": 1, "drop": True}):
        status, answer = await call(http, emu, "POST", "/webhooks/directives", bad)
        assert status == 422 and answer["error"]["field"] == "fail_attempts"
    await emu.advance(10)
    assert [e.directive.fail_attempts for e in events if e.status.value == "delivered"] == [2]
