"""Status lookups and what each status means on the manual clock."""

import json
from urllib.parse import quote

from wa_emulator import contracts
from wa_emulator.core.rules import Step
from wa_emulator.core.status import Status
from wa_emulator.providers.qlara import sandbox

from .conftest import CUSTOMER, TEMPLATE, TEXT, open_window

THIRTY_DAYS = 30 * 24 * 3600


async def test_a_template_goes_unknown_sent_delivered_read(qlara, emu):
    message_id = (await qlara.send()).body["messageId"]
    first = await qlara.status(message_id)
    assert first.body["deliveryStatus"] == "UNKNOWN"
    assert first.body["channel"] == "WHATSAPP" and first.body["destination"] == CUSTOMER
    assert first.body["customerMessageId"] == message_id and first.body["errorCode"] is None
    words = []
    for seconds in (1, 2, 7):
        await emu.advance(seconds)
        words.append(await qlara.word(message_id))
    assert words == ["SENT", "DELIVERED", "READ"]
    last = await qlara.status(message_id)
    assert last.body["deliveryStatusDescription"] == "Message read"
    assert last.body["updatedAt"] > last.body["createdAt"]


async def test_received_is_shown_when_a_timeline_passes_through_it(qlara, emu):
    # The default timeline skips RECEIVED; a scenario timeline may include it (set here the way scenarios do).
    emu.world.lifecycle.timelines = lambda message: [
        Step(1, Status.SENT), Step(1, Status.RECEIVED), Step(1, Status.DELIVERED)]
    message_id = (await qlara.send()).body["messageId"]
    await emu.advance(2)
    answer = await qlara.status(message_id)
    assert answer.body["deliveryStatus"] == "RECEIVED"
    assert "not yet confirmed" in answer.body["deliveryStatusDescription"]
    await emu.advance(1)
    assert await qlara.word(message_id) == "DELIVERED"


async def test_read_receipts_off_stays_delivered(qlara, emu):
    emu.world.contacts.update(CUSTOMER, read_receipts=False)
    message_id = (await qlara.send()).body["messageId"]
    await emu.advance(3600)
    assert await qlara.word(message_id) == "DELIVERED"


async def test_an_offline_recipient_expires_after_the_ttl(qlara, emu):
    emu.world.contacts.update(CUSTOMER, online=False)
    message_id = (await qlara.send()).body["messageId"]
    await emu.advance(THIRTY_DAYS - 10)
    assert await qlara.word(message_id) == "SENT"
    await emu.advance(20)
    answer = await qlara.status(message_id)
    assert answer.body["deliveryStatus"] == "EXPIRED" and "expired" in answer.body["deliveryStatusDescription"]


async def error_of(qlara, emu, body) -> dict:
    message_id = (await qlara.send(body)).body["messageId"]
    await emu.advance(5)
    answer = await qlara.status(message_id)
    assert answer.body["deliveryStatus"] == "ERROR", answer.body
    return answer.body


async def test_every_documented_error_cause_ends_in_error_with_a_description(qlara, emu):
    emu.world.contacts.update("+393409999999", on_whatsapp=False)
    not_on_whatsapp = await error_of(qlara, emu, {**TEMPLATE, "destination": "+393409999999"})
    assert not_on_whatsapp["errorCode"] == 131026 and "131026" in not_on_whatsapp["deliveryStatusDescription"]
    window_closed = await error_of(qlara, emu, TEXT)
    assert window_closed["errorCode"] == 131047 and "24 hours" in window_closed["deliveryStatusDescription"]
    restricted = await error_of(qlara, emu, {**TEMPLATE, "phoneNumberId": sandbox.PHONE_RESTRICTED})
    assert restricted["errorCode"] == 131031 and "locked" in restricted["deliveryStatusDescription"]
    rejected = await error_of(qlara, emu, {**TEMPLATE, "template": {"name": "promo_rejected",
                                                                   "language": "it"}})
    assert rejected["errorCode"] == 132001
    invalid = await error_of(qlara, emu, {**TEMPLATE, "destination": "+3912"})
    assert invalid["errorCode"] == 131009


async def test_a_refused_send_never_reaches_sent(qlara, emu):
    message_id = (await qlara.send({**TEMPLATE, "phoneNumberId": sandbox.PHONE_RESTRICTED})).body["messageId"]
    await emu.advance(5)
    message = emu.world.store.by_custom_id("qlara", sandbox.ORG_PRODUCTION, message_id)
    assert [change.status for change in message.history] == [Status.QUEUED, Status.FAILED]


async def test_free_form_inside_the_window_is_delivered(qlara, emu):
    open_window(emu)
    message_id = (await qlara.send(TEXT)).body["messageId"]
    await emu.advance(3)
    assert await qlara.word(message_id) == "DELIVERED"


async def test_the_channel_is_required_and_must_match(qlara):
    message_id = (await qlara.send()).body["messageId"]
    missing = await qlara.status(message_id, channel=None)
    assert missing.status == 400 and missing.body["field"] == "channel"
    assert (await qlara.status(message_id, channel="VIBER")).status == 400
    for channel in ("SMS", "RCS"):
        mismatch = await qlara.status(message_id, channel=channel)
        assert mismatch.status == 404, "lookups are channel-scoped"
        assert mismatch.body["error"] == "Not Found"


async def test_unknown_and_other_accounts_ids_are_404(qlara):
    message_id = (await qlara.send()).body["messageId"]
    assert (await qlara.status("no-such-id")).status == 404
    assert (await qlara.status(message_id, key=sandbox.KEY_TRIAL)).status == 404


async def test_the_batch_lookup_silently_leaves_out_what_it_cannot_show(qlara):
    mine = [(await qlara.send({**TEMPLATE, "messageId": f"m-{n}"})).body["messageId"] for n in range(3)]
    theirs = (await qlara.send({**TEMPLATE, "phoneNumberId": sandbox.PHONE_TRIAL, "messageId": "t-1"},
                               key=sandbox.KEY_TRIAL)).body["messageId"]
    answer = await qlara.call("GET", "/partner-gateway/v1/messages/status",
                              params={"ids": ",".join([*mine, "unknown", theirs])})
    assert answer.status == 200
    contracts.validate("qlara", "status-batch", answer.body)
    assert sorted(item["customerMessageId"] for item in answer.body) == mine
    assert all(item["deliveryStatus"] == "UNKNOWN" for item in answer.body)
    sms = await qlara.call("GET", "/partner-gateway/v1/messages/status", params={"ids": mine[0], "channel": "SMS"})
    assert sms.status == 200 and sms.body == []


async def test_the_batch_lookup_answers_an_empty_list_when_nothing_matches(qlara):
    answer = await qlara.call("GET", "/partner-gateway/v1/messages/status", params={"ids": "a,b,c"})
    assert answer.status == 200 and answer.body == []


async def test_the_batch_lookup_takes_the_guides_parameter_name_too(qlara):
    message_id = (await qlara.send()).body["messageId"]
    answer = await qlara.call("GET", "/partner-gateway/v1/messages/status", params={"customerMessageIds": message_id})
    assert [item["customerMessageId"] for item in answer.body] == [message_id]


async def test_the_batch_lookup_refuses_too_many_or_no_ids(qlara):
    too_many = await qlara.call("GET", "/partner-gateway/v1/messages/status",
                                params={"ids": ",".join(f"id{n}" for n in range(201))})
    assert too_many.status == too_many.body["status"] == 414 and "at most 200" in too_many.body["message"]
    at_limit = await qlara.call("GET", "/partner-gateway/v1/messages/status",
                                params={"ids": ",".join(f"id{n}" for n in range(200))})
    assert at_limit.status == 200
    none = await qlara.call("GET", "/partner-gateway/v1/messages/status")
    assert none.status == 400 and none.body["field"] == "ids"


async def test_the_whatsapp_status_endpoint_finds_a_message_by_either_id(qlara, emu):
    customer_id = (await qlara.send({**TEMPLATE, "messageId": "wa-1"})).body["messageId"]
    await emu.advance(1)
    answer = await qlara.call("GET", f"/partner-gateway/v1/whatsapp/messages/{customer_id}/status")
    assert answer.status == 200 and answer.body["deliveryStatus"] == "SENT"
    contracts.validate("qlara", "status", answer.body)
    platform_id = answer.body["messageId"]
    assert platform_id != customer_id
    by_platform = await qlara.call("GET", f"/partner-gateway/v1/whatsapp/messages/{platform_id}/status")
    assert by_platform.body == answer.body
    assert (await qlara.call("GET", "/partner-gateway/v1/whatsapp/messages/nope/status")).status == 404
    other = await qlara.call("GET", f"/partner-gateway/v1/whatsapp/messages/{platform_id}/status",
                             key=sandbox.KEY_TRIAL)
    assert other.status == 404


async def test_any_customer_id_comes_back_exactly_in_compact_json(qlara, emu, http):
    # Quotes, backslashes, control characters and non-ASCII in a client's id come back exactly, in the
    # same compact UTF-8 as every other body.
    odd = 'Ordine "42" \\ C:\\x\ttab è 日本 😀'
    sent = await qlara.send({**TEMPLATE, "messageId": odd})
    assert sent.status == 200 and sent.body["messageId"] == odd
    await emu.advance(1)
    base = emu.url("qlara")
    paths = [(f"/partner-gateway/v1/messages/status/{quote(odd, safe='')}", {"channel": "WHATSAPP"}),
             (f"/partner-gateway/v1/whatsapp/messages/{quote(odd, safe='')}/status", None),
             ("/partner-gateway/v1/messages/status", {"ids": odd})]
    for path, params in paths:
        async with http.get(base + path, params=params,
                            headers={"X-Api-Key": sandbox.KEY_PRODUCTION}) as response:
            raw = await response.read()
        assert response.status == 200, raw
        body = json.loads(raw)
        assert raw == json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        status = body[0] if isinstance(body, list) else body
        assert status["customerMessageId"] == odd and status["deliveryStatus"] == "SENT"


async def test_inbound_messages_are_not_outbound_statuses(qlara, emu, http):
    async with http.post(emu.base_url + "/_emulator/inbound",
                         json={"provider": "qlara", "from": CUSTOMER, "text": "hi"}) as response:
        inbound_id = (await response.json())["id"]
    assert (await qlara.call("GET", f"/partner-gateway/v1/whatsapp/messages/{inbound_id}/status")).status == 404
