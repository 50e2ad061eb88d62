"""Wazapin channels (list, one, the status a client checks before sending), media upload, and content rules."""

from __future__ import annotations

import aiohttp
import pytest

from wa_emulator import contracts
from wa_emulator.providers.wazapin import sandbox
from wa_emulator.testing import Emulator

from .conftest import CUSTOMER, Wazapin, open_window

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


async def test_channels_are_listed_with_their_status(wazapin: Wazapin) -> None:
    answer = await wazapin.call("GET", "/v1/channels", key=sandbox.KEY_READ_ONLY)
    assert answer.status == 200
    contracts.validate("wazapin", "channel-list", answer.body)
    statuses = {channel["id"]: channel["status"] for channel in answer.body["data"]}
    assert statuses == {sandbox.CHANNEL_MAIN: "connected", sandbox.CHANNEL_SUPPORT: "connected",
                        sandbox.CHANNEL_DISCONNECTED: "disconnected"}
    assert {c["platform"] for c in answer.body["data"]} == {"whatsapp_official"}


async def test_one_channel_and_its_status_as_a_client_checks_before_sending(wazapin: Wazapin) -> None:
    one = await wazapin.call("GET", f"/v1/channels/{sandbox.CHANNEL_MAIN}")
    contracts.validate("wazapin", "channel", one.body)
    assert one.body["data"]["phone"] == "6281100000001"
    ready = await wazapin.call("GET", f"/v1/channels/{sandbox.CHANNEL_MAIN}/status")
    contracts.validate("wazapin", "channel-status", ready.body)
    assert (ready.body["connected"], ready.body["logged_in"], ready.body["error"]) == (True, True, None)
    down = await wazapin.call("GET", f"/v1/channels/{sandbox.CHANNEL_DISCONNECTED}/status")
    assert (down.body["connected"], down.body["logged_in"]) == (False, False)
    assert "disconnected" in down.body["error"]
    # What the status promised is what a send finds.
    refused = await wazapin.send({"channel_id": sandbox.CHANNEL_DISCONNECTED, "to": CUSTOMER, "type": "template",
                                  "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}})
    assert refused.status == 409


@pytest.mark.parametrize("path", ["/v1/channels/{}", "/v1/channels/{}/status"])
async def test_another_organizations_channel_is_not_found(wazapin: Wazapin, path: str) -> None:
    answer = await wazapin.call("GET", path.format(sandbox.CHANNEL_GLOBEX))
    assert (answer.status, answer.body["detail"]) == (404, f"channel {sandbox.CHANNEL_GLOBEX} not found")


async def test_channels_need_the_channels_read_permission(wazapin: Wazapin, emu: Emulator) -> None:
    from wa_emulator.core.tenants import ApiKey

    emu.world.tenants.add_key(ApiKey("wzp_send_only_0000000000001", sandbox.ORG_ACME, "send-only",
                                     frozenset({sandbox.SEND})))
    answer = await wazapin.call("GET", f"/v1/channels/{sandbox.CHANNEL_MAIN}/status", key="wzp_send_only_0000000000001")
    assert answer.body == {"title": "Forbidden", "status": 403, "detail": "API key lacks the channels:read permission"}


def upload_form(content: bytes, media_type: str, name: str = "file") -> aiohttp.FormData:
    form = aiohttp.FormData()
    form.add_field(name, content, filename="receipt.png", content_type=media_type)
    return form


async def test_an_uploaded_image_is_sent_by_its_media_url_and_can_be_fetched(wazapin: Wazapin, emu: Emulator,
                                                                             http: aiohttp.ClientSession) -> None:
    uploaded = await wazapin.call("POST", "/v1/messages/uploads/image", data=upload_form(PNG, "image/png"))
    assert uploaded.status == 201, uploaded.body
    contracts.validate("wazapin", "media-upload", uploaded.body)
    media = uploaded.body["data"]
    assert (media["file_name"], media["mime_type"], media["size"]) == ("receipt.png", "image/png", len(PNG))
    async with http.get(media["media_url"]) as response:  # no key: a public file URL
        assert (response.status, response.content_type, await response.read()) == (200, "image/png", PNG)
    open_window(emu)
    sent = await wazapin.send({"channel_id": sandbox.CHANNEL_MAIN, "to": CUSTOMER, "type": "image",
                               "content": {"media_url": media["media_url"], "caption": "Your receipt"}})
    assert sent.status == 201, sent.body


@pytest.mark.parametrize(("path", "form", "status", "detail"), [
    ("image", lambda: upload_form(PNG, "application/pdf"), 422, "a image must be one of image/jpeg, image/png"),
    ("image", lambda: upload_form(b"", "image/png"), 422, "file is empty"),
    ("image", lambda: upload_form(PNG, "image/png", name="photo"), 400, "file is required"),
    ("sticker", lambda: upload_form(b"x" * (500 * 1024 + 1), "image/webp"), 422, "file is larger than"),
    ("gif", lambda: upload_form(PNG, "image/gif"), 404, "no upload for 'gif'"),
])
async def test_a_bad_upload_is_refused_naming_the_file(wazapin: Wazapin, path: str, form, status: int,
                                                       detail: str) -> None:
    answer = await wazapin.call("POST", f"/v1/messages/uploads/{path}", data=form())
    assert answer.status == status, answer.body
    assert answer.body["detail"].startswith(detail)


async def test_an_upload_that_is_not_multipart_is_415(wazapin: Wazapin) -> None:
    answer = await wazapin.call("POST", "/v1/messages/uploads/image", json={"file": "x"})
    assert answer.status == 415
    garbled = await wazapin.call("POST", "/v1/messages/uploads/image", data=b"--x\r\nnot a part",
                                 headers={"Content-Type": "multipart/form-data; boundary=zz"})
    assert garbled.status == 400


IMAGE = {"media_url": "https://cdn.example.test/a.png"}
ROWS = [{"id": "r1", "title": "One"}]


@pytest.mark.parametrize(("kind", "content", "status", "field"), [
    ("audio", {**IMAGE, "caption": "hi"}, 422, "content.caption"),
    ("sticker", {**IMAGE, "caption": "hi"}, 422, "content.caption"),
    ("document", {**IMAGE, "filename": "x" * 241}, 422, "content.filename"),
    ("image", {"caption": "no url"}, 400, "content.url"),
    ("video", {"url": "ftp://x/y.mp4"}, 422, "content.url"),
    ("location", {"latitude": 1}, 400, "content.longitude"),
    ("location", {"latitude": "1", "longitude": 2}, 400, "content.latitude"),
    ("location_request", {}, 400, "content.text"),
    ("contact", {"full_name": "Sara"}, 400, "content.phone"),
    ("contact", {"full_name": "Sara", "phone": "call me"}, 422, "content.phone"),
    ("buttons", {"text": "Pick", "buttons": [{"id": "a", "title": "A"}] * 2}, 422, "content.buttons"),
    ("buttons", {"text": "Pick", "header": "h" * 61, "buttons": [{"id": "a", "title": "A"}]}, 422, "content.header"),
    ("list", {"text": "Pick", "button": "Menu", "sections": [{"rows": ROWS}, {"rows": ROWS}]}, 400,
     "content.sections[0].title"),
    ("list", {"text": "Pick", "button": "Menu", "footer": 5, "sections": [{"rows": ROWS}]}, 400, "content.footer"),
    ("template", {"template": {"name": "order_update"}}, 400, "content.template.language.code"),
])
async def test_every_message_type_refuses_a_bad_shape_naming_the_field(wazapin: Wazapin, kind: str, content: dict,
                                                                       status: int, field: str) -> None:
    answer = await wazapin.send({"channel_id": sandbox.CHANNEL_MAIN, "to": CUSTOMER, "type": kind, "content": content})
    assert answer.status == status, answer.body
    assert answer.body["detail"].startswith(field), answer.body


@pytest.mark.parametrize(("kind", "content"), [
    ("audio", IMAGE),
    ("sticker", IMAGE),
    ("document", {**IMAGE, "filename": "invoice.pdf", "caption": "Invoice"}),
    ("list", {"text": "Pick", "button": "Menu", "header": "Menu", "footer": "Thanks",
              "sections": [{"title": "A", "rows": ROWS}, {"title": "B", "rows": [{"id": "r2", "title": "Two"}]}]}),
    ("location_request", {"text": "Where are you?"}),
])
async def test_the_documented_shapes_are_accepted(wazapin: Wazapin, emu: Emulator, kind: str, content: dict) -> None:
    open_window(emu)
    answer = await wazapin.send({"channel_id": sandbox.CHANNEL_MAIN, "to": CUSTOMER, "type": kind, "content": content})
    assert answer.status == 201, answer.body
