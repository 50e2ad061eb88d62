"""Wazapin's own published client (github.com/wazapin/wazapin-openclaw-plugin) works unchanged.

The requests and checks below are what src/client.ts and src/webhook.ts do, written in Python:
Bearer key plus X-Organization-Slug, ``content.text`` and ``type: "media"`` sends, ``data.id`` /
``data.status`` / ``data.content.text`` reads, ``error.message`` on failures, Svix verification
with a 5-minute tolerance against the sink's own clock, and ``{event_id, event_type, data}``.
"""

import base64
import hashlib
import hmac
import time
from typing import Any

from wa_emulator.providers.wazapin import sandbox

from .conftest import CUSTOMER, WEBHOOKS

HEADERS = {"Authorization": f"Bearer {sandbox.KEY_OPENCLAW}", "X-Organization-Slug": "openclaw"}


def plugin_verify(msg_id: str, timestamp: str, body: str, signature_header: str, secret: str) -> bool:
    """src/webhook.ts verifySvixSignature, line for line (the secret is configured without ``whsec_``)."""
    if abs(int(time.time()) - int(timestamp)) > 300:
        return False
    expected = base64.b64encode(
        hmac.new(base64.b64decode(secret), f"{msg_id}.{timestamp}.{body}".encode(), hashlib.sha256).digest()
    ).decode()
    return any(item.strip().removeprefix("v1,") == expected for item in signature_header.split(" "))


def plugin_parse(payload: dict[str, Any]) -> dict[str, Any] | None:
    """src/webhook.ts parseInboundEvent."""
    if payload.get("event_type") != "message.new":
        return None
    data = payload.get("data") or {}
    return {"chat_id": str(data.get("from_phone", "")), "message_id": data.get("message_id"),
            "channel_id": data.get("channel_id"), "msg_type": str(data.get("msg_type", "text"))}


async def test_plugin_sends_text_and_media_and_reads_id_and_status(wazapin, emu):
    for body in (
        {"channel_id": sandbox.CHANNEL_OPENCLAW, "to": CUSTOMER, "type": "text", "content": {"text": "hi"}},
        {"channel_id": sandbox.CHANNEL_OPENCLAW, "to": CUSTOMER, "type": "media",
         "content": {"mediaUrl": "https://example.com/cat.png"}},
    ):
        answer = await wazapin.call("POST", "/v1/messages", key="", headers=HEADERS, json=body)
        assert answer.status == 201 and answer.body["data"]["id"] and answer.body["data"]["status"] == "queued"


async def test_plugin_reads_error_message_on_failures(wazapin):
    body = {"channel_id": "", "to": CUSTOMER, "type": "text", "content": {"text": "hi"}}  # channelId not configured
    answer = await wazapin.call("POST", "/v1/messages", key="", headers=HEADERS, json=body)
    assert answer.status == 400 and answer.body["error"]["message"] == "channel_id is required"


async def test_plugin_receives_verifies_and_parses_an_inbound_message_then_fetches_its_text(wazapin, emu, http,
                                                                                           sink):
    await emu.advance(3 * 86400)  # emulated time far from the sink's wall clock
    created = await wazapin.call("POST", f"{WEBHOOKS}/endpoints", key="", headers=HEADERS,
                                 json={"url": sink.url, "events": ["message.new"]})
    secret = created.body["data"]["secret"].removeprefix("whsec_")
    assert created.body["data"]["payload_format"] == "envelope", "the tenant's default"
    async with http.post(emu.base_url + "/_emulator/inbound",
                         json={"provider": "wazapin", "from": CUSTOMER, "text": "Pesan saya",
                               "to": "+6281300000001"}) as response:
        assert response.status == 201
    [item] = sink.received
    headers = item.headers
    assert plugin_verify(headers["svix-id"], headers["svix-timestamp"], item.body.decode(),
                         headers["svix-signature"], secret)
    event = plugin_parse(item.json())
    assert event == {"chat_id": CUSTOMER, "message_id": event["message_id"], "channel_id": sandbox.CHANNEL_OPENCLAW,
                     "msg_type": "text"}
    fetched = await wazapin.call("GET", f"/v1/messages/{event['message_id']}", key="", headers=HEADERS)
    assert fetched.body["data"]["content"]["text"] == "Pesan saya"
