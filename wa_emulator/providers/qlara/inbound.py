"""What a customer sent, as Qlara's ``INBOUND`` webhook tells it, and the media download.

Qlara documents two INBOUND bodies. Text: ``{eventType, source, destination, text, channel,
messageType: "TEXT", timestamp}`` (https://agiletelecom.com/documentation/qlara/guides/webhooks).
Media: ``{channel, eventType, messageId, from, to, timestamp, content: {type: "IMAGE", caption,
mimeType, mediaKey}}``, the file fetched with ``GET /api/files/{mediaKey}``
(https://agiletelecom.com/documentation/qlara/use-cases/UC-026-download-media-inbound).
Text keeps the first; every other kind takes the second, its ``content`` extended for the kinds
Qlara shows no example of (location, contact, button and list replies, reactions) with Meta's
fields in Qlara's camelCase (designed; docs/fidelity.md, "Inbound beyond text").
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from ...core.inbound import MEDIA_KINDS, placeholder
from ...core.models import INBOUND, Message
from ...core.timefmt import iso_ms
from ...web import keys
from ...web.http import ApiError
from .auth import CALLER
from .parse import CHANNEL
from .sandbox import NAME

MEDIA_KEY_PREFIX = "mk_"  # UC-026's example key is mk_a1b2c3d4e5f6g7h8i9j0
# Neutral names -> Qlara's camelCase, per kind; the content's ``type`` is the kind in capitals.
_NAMES = {
    "caption": "caption", "mime_type": "mimeType", "filename": "fileName",
    "latitude": "latitude", "longitude": "longitude", "name": "name", "address": "address",
    "phone": "phone", "organization": "organization",
    "reply_id": "id", "title": "title", "description": "description",
    "message_id": "messageId", "emoji": "emoji",
}


def media_key(message: Message) -> str:
    """The key a media message's file is fetched by.

    >>> media_key(Message("0b6c…", "qlara", "org", "5", "+39", "+39", "image", 0.0))
    'mk_0b6c…'
    """
    return MEDIA_KEY_PREFIX + message.id


def inbound_event(message: Message) -> dict[str, Any]:
    """The ``INBOUND`` body of ``message``: the documented text shape, or the documented content shape.

    >>> from ...core.models import Payload
    >>> pin = Message("m1", "qlara", "org", "5", "+393401234567", "+393331112222", "location", 0.0,
    ...               content=Payload.of({"latitude": 45.46, "longitude": 9.19}))
    >>> inbound_event(pin)["content"]
    {'type': 'LOCATION', 'latitude': 45.46, 'longitude': 9.19}
    """
    given = message.content.data() if message.content else {}
    if message.type == "text":
        return {"eventType": "INBOUND", "source": message.sender, "destination": message.to,
                "text": given.get("text", ""), "channel": CHANNEL, "messageType": "TEXT",
                "timestamp": iso_ms(message.created_at)}
    content: dict[str, Any] = {"type": message.type.upper()}
    content.update((_NAMES[name], value) for name, value in given.items() if name in _NAMES)
    if message.type in MEDIA_KINDS:
        content["mediaKey"] = media_key(message)
    return {"channel": CHANNEL, "eventType": "INBOUND", "messageId": message.id, "from": message.sender,
            "to": message.to, "timestamp": iso_ms(message.created_at), "content": content}


async def download_file(request: web.Request) -> web.Response:
    """``GET /api/files/{mediaKey}``: the file of one of the account's inbound media messages
    (a small placeholder of its kind, served with the message's ``mimeType``)."""
    key = request.match_info["mediaKey"]
    message = None
    if key.startswith(MEDIA_KEY_PREFIX):
        message = request.app[keys.world].store.get(key[len(MEDIA_KEY_PREFIX):])
    if (message is None or message.provider != NAME or message.org_id != request[CALLER].org.id
            or message.direction != INBOUND or message.type not in MEDIA_KINDS):
        raise ApiError(404, "file_not_found", f"No file found with mediaKey {key!r} for this account.")
    mime = (message.content.data() if message.content else {}).get("mime_type", "application/octet-stream")
    return web.Response(body=placeholder(message.type), content_type=mime.split(";")[0].strip())
