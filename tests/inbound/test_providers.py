"""A customer sends each kind of message; each provider delivers it in its documented inbound shape.

The emulator runs strict, so every webhook and answer is also checked against its contract there.
"""

from __future__ import annotations

import pytest

from wa_emulator import contracts
from wa_emulator.providers.mojeeb import sandbox as mojeeb
from wa_emulator.providers.qlara import sandbox as qlara
from wa_emulator.providers.wazapin import sandbox as wazapin
from wa_emulator.testing import WebhookSink

from .conftest import CASES, CUSTOMER, MEDIA

WAZAPIN = {"X-Api-Key": wazapin.KEY_FULL}
QLARA = {"X-Api-Key": qlara.KEY_PRODUCTION}


async def inbound(emu, http, body: dict) -> dict:
    async with http.post(emu.base_url + "/_emulator/inbound", json=body) as response:
        assert response.status == 201, await response.text()
        return await response.json()


@pytest.mark.parametrize("kind", list(CASES))
async def test_wazapin_announces_each_kind_and_its_record_holds_the_content(emu, http, kind):
    fields, content, _ = CASES[kind]
    async with WebhookSink() as sink:
        async with http.post(emu.url("wazapin") + "/v1/settings/developer/webhooks/endpoints", headers=WAZAPIN,
                             json={"url": sink.url, "events": ["message.new"]}) as response:
            assert response.status == 201
        message = await inbound(emu, http, {"provider": "wazapin", "from": CUSTOMER, "type": kind, **fields})
        [event] = sink.bodies()
    contracts.validate("wazapin", "webhook-message-new", event)
    msg_type = "interactive" if kind.endswith("_reply") else kind
    assert event["message_id"] == message["id"] and event["msg_type"] == msg_type
    async with http.get(emu.url("wazapin") + f"/v1/messages/{message['id']}", headers=WAZAPIN) as response:
        record = (await response.json())["data"]
    contracts.validate("wazapin", "inbound-content", record["content"])
    assert record["type"] == msg_type and record["direction"] == "inbound"
    got = dict(record["content"])
    if kind in MEDIA:
        url = got.pop("media_url")
        assert url.startswith(emu.url("wazapin") + "/v1/media/assets/download/")
        got.pop("sha256")
        async with http.get(url) as response:  # a self-authorising link: no key
            assert response.status == 200 and response.content_type == content["mime_type"]
            assert (await response.read()).startswith(MEDIA[kind])
    assert got == content


@pytest.mark.parametrize("kind", list(CASES))
async def test_qlara_sends_each_kind_as_an_inbound_event_with_content(emu, http, kind):
    fields, _, content = CASES[kind]
    async with WebhookSink() as sink:
        async with http.post(emu.url("qlara") + "/partner-gateway/v1/webhooks/delivery-status", headers=QLARA,
                             json={"callbackUrl": sink.url}) as response:
            assert response.status == 201
        message = await inbound(emu, http, {"provider": "qlara", "from": CUSTOMER, "type": kind, **fields})
        [event] = sink.bodies()
    contracts.validate("qlara", "event-inbound-content", event)
    assert event["eventType"] == "INBOUND" and event["messageId"] == message["id"]
    assert event["from"] == CUSTOMER and event["to"] == qlara.SENDER_MAIN
    got = dict(event["content"])
    if kind in MEDIA:
        key = got.pop("mediaKey")
        async with http.get(emu.url("qlara") + f"/files/{key}", headers=QLARA) as response:
            assert response.status == 200 and response.content_type == content["mimeType"]
            assert (await response.read()).startswith(MEDIA[kind])
        async with http.get(emu.url("qlara") + f"/files/{key}") as response:
            assert response.status == 401, "Qlara's download needs the account's key"
    assert got == content


async def test_qlara_text_keeps_the_documented_text_event(emu, http):
    async with WebhookSink() as sink:
        async with http.post(emu.url("qlara") + "/partner-gateway/v1/webhooks/delivery-status", headers=QLARA,
                             json={"callbackUrl": sink.url}):
            pass
        await inbound(emu, http, {"provider": "qlara", "from": CUSTOMER, "type": "text", "text": "Ciao"})
        [event] = sink.bodies()
    contracts.validate("qlara", "event-inbound", event)
    assert event["messageType"] == "TEXT" and event["text"] == "Ciao"


async def test_media_of_another_account_or_message_is_not_found(emu, http):
    message = await inbound(emu, http, {"provider": "qlara", "from": CUSTOMER, "type": "image"})
    async with http.get(emu.url("qlara") + f"/files/mk_{message['id']}",
                        headers={"X-Api-Key": qlara.KEY_TRIAL}) as response:
        body = await response.json()
        assert response.status == 404 and body["status"] == 404
    location = await inbound(emu, http, {"provider": "wazapin", "from": CUSTOMER, "type": "location",
                                         "latitude": 1, "longitude": 2})
    async with http.get(emu.url("wazapin") + f"/v1/media/assets/download/{location['id']}") as response:
        assert response.status == 404 and (await response.json())["detail"] == "media not found"


@pytest.mark.parametrize("kind", ["image", "reaction"])
async def test_mojeeb_has_no_inbound_api_but_any_kind_opens_the_window(emu, http, kind):
    """Mojeeb v1 is poll-only and shows only messages sent through the API; a customer's message of
    any kind still opens the 24-hour window, so free-form text to them goes through."""
    customer = "+15551234567"
    message = await inbound(emu, http, {"provider": "mojeeb", "from": customer, "type": kind, **CASES[kind][0]})
    headers = {"Authorization": f"Bearer {mojeeb.KEY_FULL}"}
    base = emu.url("mojeeb") + "/v1/whatsapp/messages"
    async with http.get(f"{base}/{message['id']}", headers=headers) as response:
        assert response.status == 404 and (await response.json())["error"]["code"] == "message_not_found"
    text = {"agent_id": mojeeb.AGENT_SUPPORT, "from": "+15550100001", "to": customer, "text": {"body": "Thanks!"}}
    async with http.post(base, headers=headers, json=text) as response:
        sent = await response.json()
        assert response.status == 202, sent
    await emu.advance(60)
    async with http.get(f"{base}/{sent['id']}", headers=headers) as response:
        assert (await response.json())["status"] != "failed"
