"""SMS and RCS sends, their channel-scoped lookups and webhooks, and WhatsApp's fallback to them."""

from wa_emulator import contracts
from wa_emulator.providers.qlara import sandbox
from wa_emulator.testing import WebhookSink

from .conftest import CUSTOMER, TEMPLATE

SMS = {"destination": CUSTOMER, "sender": "TechStore", "body": "Ciao {name}!", "placeholders": {"name": "Marco"}}
RCS = {"destination": CUSTOMER, "agentId": sandbox.RCS_AGENT_MAIN, "body": {"type": "TEXT", "text": "Ciao!"}}
FALLBACKS = {"fallbackRcs": {"agentId": sandbox.RCS_AGENT_MAIN, "body": {"type": "TEXT", "text": "Ciao via RCS"}},
             "fallbackSms": {"sender": "TechStore", "body": "Ciao via SMS"}}


async def send(qlara, channel, body, **kw):
    answer = await qlara.call("POST", f"/message-server/{channel}/send", json=body, **kw)
    if answer.status == 200:
        contracts.validate("qlara", f"{channel}-send-response", answer.body)
    return answer


async def test_an_sms_is_answered_with_its_encoding_and_parts_and_never_reaches_read(qlara, emu):
    answer = await send(qlara, "sms", {**SMS, "messageId": "sms-1"})
    assert answer.body == {"messageId": "sms-1", "simulation": False,
                           "results": {"sms": {"accepted": True, "unicode": False, "parts": 1, "reasons": []}}}
    [message] = [m for m in emu.world.store if m.provider == "qlara"]
    assert message.content.data() == {"body": "Ciao Marco!"} and message.sender == "TechStore"
    await emu.advance(60)
    status = await qlara.status("sms-1", channel="SMS")
    assert status.status == 200 and status.body["deliveryStatus"] == "DELIVERED" and status.body["channel"] == "SMS"
    assert [step.status.value for step in message.history] == ["queued", "sent", "delivered"]
    long_unicode = await send(qlara, "sms", {**SMS, "body": "€😀" * 40, "placeholders": None})
    # 40 × (1 + 2) UTF-16 units = 120: two concatenated UCS-2 parts of 67
    assert long_unicode.body["results"]["sms"] == {"accepted": True, "unicode": True, "parts": 2, "reasons": []}


async def test_a_lookup_on_the_wrong_channel_is_404(qlara, emu):
    await send(qlara, "sms", {**SMS, "messageId": "only-sms"})
    await send(qlara, "rcs", {**RCS, "messageId": "only-rcs"})
    assert (await qlara.status("only-sms", channel="WHATSAPP")).status == 404
    assert (await qlara.status("only-sms", channel="RCS")).status == 404
    assert (await qlara.status("only-rcs", channel="SMS")).status == 404
    assert (await qlara.status("only-rcs", channel="RCS")).body["channel"] == "RCS"
    rcs_id = (await qlara.status("only-rcs", channel="RCS")).body["messageId"]
    assert (await qlara.call("GET", f"/partner-gateway/v1/rcs/messages/{rcs_id}/status")).status == 200
    assert (await qlara.call("GET", f"/partner-gateway/v1/whatsapp/messages/{rcs_id}/status")).status == 404
    batch = await qlara.call("GET", "/partner-gateway/v1/messages/status", params={"ids": "only-sms,only-rcs"})
    assert sorted(item["channel"] for item in batch.body) == ["RCS", "SMS"]
    filtered = await qlara.call("GET", "/partner-gateway/v1/messages/status",
                                params={"ids": "only-sms,only-rcs", "channel": "SMS"})
    assert [item["customerMessageId"] for item in filtered.body] == ["only-sms"]


async def test_rcs_reports_read_and_sms_never_does_in_the_webhooks(qlara, emu):
    async with WebhookSink() as sink:
        await qlara.set_webhook(sink.url)
        await send(qlara, "rcs", {**RCS, "messageId": "r"})
        await send(qlara, "sms", {**SMS, "messageId": "s"})
        await send(qlara, "sms", {**SMS, "messageId": "quiet", "enableNotification": False})
        await emu.advance(60)
        events = [r.json() for r in sink.received]
    for event in events:
        contracts.validate("qlara", "event-read" if event["eventType"] == "READ" else "event-delivery", event)
    by_channel = {(e["channel"], e["eventType"], e.get("statusCode")) for e in events}
    assert by_channel == {("RCS", "DELIVERY", 1), ("RCS", "DELIVERY", 3), ("RCS", "READ", None),
                          ("SMS", "DELIVERY", 1), ("SMS", "DELIVERY", 3)}
    assert not any(e.get("customerMessageId") == "quiet" for e in events), "enableNotification: false"


async def test_simulation_validates_without_storing_or_sending(qlara, emu):
    for channel, body in (("sms", SMS), ("rcs", RCS)):
        answer = await send(qlara, channel, {**body, "simulation": True, "messageId": f"dry-{channel}"})
        assert answer.status == 200 and answer.body["simulation"] is True
        assert (await send(qlara, channel, {**body, "simulation": True, "destination": "39340"})).status == 400
    assert [m for m in emu.world.store if m.provider == "qlara"] == []


async def test_bad_input_is_a_400_naming_the_field_and_a_foreign_agent_is_403(qlara):
    cases = [("sms", {**SMS, "sender": "ThisIsTooLongASender"}, "sender"),
             ("sms", {**SMS, "body": ""}, "body"),
             ("sms", {**SMS, "scheduledDate": "2026-13-10 08:00:00.000+0200"}, "scheduledDate"),
             ("sms", {**SMS, "udhData": "xyz"}, "udhData"),
             ("rcs", {**RCS, "body": {"type": "CAROUSEL", "cards": [{}]}}, "body.cards"),
             ("rcs", {**RCS, "templateId": 3}, "body"),
             ("rcs", {**RCS, "fallbackSms": {"sender": "X"}}, "fallbackSms.body")]
    for channel, body, field in cases:
        answer = await send(qlara, channel, body)
        assert (answer.status, answer.body["field"]) == (400, field), body
    foreign = await send(qlara, "rcs", {**RCS, "agentId": sandbox.RCS_AGENT_TRIAL})
    assert foreign.status == 403


async def test_a_scheduled_sms_waits_unknown_until_its_date(qlara, emu):
    now = emu.world.clock.now()
    from datetime import UTC, datetime
    later = datetime.fromtimestamp(now + 3600, UTC).strftime("%Y-%m-%d %H:%M:%S.000+0000")
    await send(qlara, "sms", {**SMS, "messageId": "later", "scheduledDate": later})
    await emu.advance(600)
    assert (await qlara.status("later", channel="SMS")).body["deliveryStatus"] == "UNKNOWN"
    await emu.advance(3600)
    assert (await qlara.status("later", channel="SMS")).body["deliveryStatus"] == "DELIVERED"


async def test_a_failed_whatsapp_message_falls_back_to_rcs_then_sms_under_the_same_id(qlara, emu):
    emu.world.contacts.update(sandbox.NO_RCS, on_whatsapp=False)
    async with WebhookSink() as sink:
        await qlara.set_webhook(sink.url)
        answer = await qlara.send({**TEMPLATE, "destination": sandbox.NO_RCS, "messageId": "fb-1", **FALLBACKS})
        assert answer.status == 200
        await emu.advance(60)
        events = [r.json() for r in sink.received]
    words = {channel: (await qlara.status("fb-1", channel=channel)).body["deliveryStatus"]
             for channel in ("WHATSAPP", "RCS", "SMS")}
    assert words == {"WHATSAPP": "ERROR", "RCS": "ERROR", "SMS": "DELIVERED"}
    assert [(e["channel"], e["statusCode"]) for e in events] == [
        ("WHATSAPP", 1), ("WHATSAPP", 6), ("RCS", 6), ("SMS", 1), ("SMS", 3)]
    assert {e["customerMessageId"] for e in events} == {"fb-1"}
    assert len({e["messageId"] for e in events}) == 3, "each leg is a message of its own"
    [sms] = [m for m in emu.world.store if m.channel == "sms"]
    assert sms.content.data() == {"body": "Ciao via SMS"} and sms.sender == "TechStore"


async def test_without_rcs_the_fallback_goes_straight_to_sms_and_a_delivered_message_never_falls_back(qlara, emu):
    emu.world.contacts.update("+393409999999", on_whatsapp=False)
    await qlara.send({**TEMPLATE, "destination": "+393409999999", "messageId": "direct",
                      "fallbackSms": FALLBACKS["fallbackSms"]})
    await qlara.send({**TEMPLATE, "messageId": "fine", **FALLBACKS})
    await emu.advance(60)
    assert (await qlara.status("direct", channel="SMS")).body["deliveryStatus"] == "DELIVERED"
    assert (await qlara.status("direct", channel="RCS")).status == 404
    assert (await qlara.status("fine", channel="SMS")).status == 404
    bad = await qlara.send({**TEMPLATE, "fallbackRcs": FALLBACKS["fallbackRcs"]})
    assert (bad.status, bad.body["field"]) == (400, "fallbackSms")
    reused = await qlara.send({**TEMPLATE, "messageId": "direct", "fallbackSms": FALLBACKS["fallbackSms"]})
    assert reused.status == 409
