"""What a customer sent, in Wazapin's words: the ``content`` of an inbound record, its type, and its media.

Wazapin's ``message.new`` webhook carries metadata only (``msg_type``); the content is read with
``GET /v1/messages/{id}`` (https://docsx.wazapin.com/api/inbound-webhook-examples). Documented:
button and list replies are ``msg_type: "interactive"`` with ``content.interactive`` holding a
``button_reply`` or ``list_reply`` (https://docsx.wazapin.com/guides/handle-interactive-replies);
media carry a download link in ``content.media_url`` on Wazapin's own host, under
``/v1/media/assets/download…`` (https://docsx.wazapin.com/guides/handle-inbound-media).
Designed (docs/fidelity.md): the rest of each content block mirrors the matching send's fields
(``caption``, ``file_name``; ``latitude``/``longitude``/``name``/``address``;
``full_name``/``phone``/``organization``; a reaction's ``message_id`` and ``reaction``), and the
media's own path below.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiohttp import web

from ...core.inbound import MEDIA_KINDS, placeholder
from ...core.models import INBOUND, Message
from ...web import keys
from ...web.http import ApiError
from .sandbox import NAME

MEDIA_PATH = "/v1/media/assets/download/{id}"
INTERACTIVE = ("button_reply", "list_reply")


def record_type(message: Message) -> str:
    """The record's ``type`` and the webhook's ``msg_type``: ``interactive`` for a button or list reply.

    >>> record_type(Message("m1", "wazapin", "org", "wzp_ch", "+1", "+2", "list_reply", 0.0))
    'interactive'
    """
    return "interactive" if message.type in INTERACTIVE else message.type


def api_base(request: web.Request) -> str:
    """The base URL this request reached Wazapin at: ``http://127.0.0.1:8080/wazapin``, or the bare
    origin when the client kept Wazapin's own host, so a link in an answer works the same way."""
    path = request.path
    at = path.find("/v1/")
    return f"{request.url.origin()}{path[:max(at, 0)]}"


def link_base(request: web.Request, messages: Iterable[Message]) -> str:
    """``api_base(request)`` when one of ``messages`` carries a media link, else ``""``: the base URL
    is built from the request's URL, which an answer without a link does not need."""
    needed = any(m.direction == INBOUND and m.type in MEDIA_KINDS for m in messages)
    return api_base(request) if needed else ""


def content(message: Message, base: str = "") -> dict[str, Any] | None:
    """An inbound message's ``content`` block (``base`` is the API's base URL, for media links).

    >>> from ...core.models import Payload
    >>> reply = Message("m1", "wazapin", "org", "wzp_ch", "+1", "+2", "button_reply", 0.0,
    ...                 content=Payload.of({"reply_id": "yes", "title": "Yes"}))
    >>> content(reply)
    {'interactive': {'type': 'button_reply', 'button_reply': {'id': 'yes', 'title': 'Yes'}}}
    """
    if message.content is None:
        return None
    given = message.content.data()
    kind = message.type
    if kind in MEDIA_KINDS:
        block = {"media_url": base + MEDIA_PATH.format(id=message.id), "mime_type": given["mime_type"],
                 "sha256": given["sha256"]}
        if "caption" in given:
            block["caption"] = given["caption"]
        if "filename" in given:
            block["file_name"] = given["filename"]
        return block
    if kind in INTERACTIVE:
        reply = {"id": given["reply_id"], "title": given["title"]}
        if "description" in given:
            reply["description"] = given["description"]
        return {"interactive": {"type": kind, kind: reply}}
    if kind == "contact":
        card = {"full_name": given["name"], "phone": given["phone"]}
        if "organization" in given:
            card["organization"] = given["organization"]
        return card
    if kind == "reaction":
        return {"message_id": given["message_id"], "reaction": given["emoji"]}
    return given  # text ({"text"}) and location ({"latitude", "longitude", "name"?, "address"?}) as they are


async def download_media(request: web.Request) -> web.Response:
    """``GET /v1/media/assets/download/{id}``: the file a customer sent (a small placeholder of its kind).

    No key: Wazapin's links are self-authorising (they carry their own expiring token); here the
    message id, a random UUID, is the capability.
    """
    message = request.app[keys.world].store.get(request.match_info["id"])
    if message is None or message.provider != NAME or message.direction != INBOUND or message.type not in MEDIA_KINDS:
        raise ApiError(404, "not_found", "media not found")
    mime = (message.content.data() if message.content else {}).get("mime_type", "application/octet-stream")
    return web.Response(body=placeholder(message.type), content_type=mime.split(";")[0].strip())
