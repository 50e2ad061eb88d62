"""Wazapin's media upload: ``POST /v1/messages/uploads/{kind}`` (multipart ``file``) and the URL it answers.

The docs show no upload. A public Rust client of Wazapin (see docs/fidelity.md) uploads an image
before sending it: ``POST /v1/messages/uploads/image``, multipart/form-data with one part ``file``,
and reads ``media_url`` from the answer (at the top level or under ``data``; here under ``data``,
like every Wazapin record), then sends ``type: "image"`` with ``content.media_url``. The other kinds
(video, audio, document, sticker: the send's media types) and their media types and sizes follow
Meta's Cloud API limits (designed). The ``media_url`` points back at this emulator
(``GET /v1/media/{media_id}``, no key, like a public file URL), so a client can fetch what it uploaded.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from aiohttp import BodyPartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from ...core.world import StateKey
from ...web import keys
from ...web.http import ApiError, refuse_encoded, too_large
from .auth import require
from .fields import unusable
from .inbound import api_base
from .render import data
from .sandbox import SEND

MEDIA_PATH = "/v1/media/"
KEEP = 100  # uploads a world keeps (oldest dropped first): a long run cannot grow without bound
MB = 1024 * 1024
# kind -> (accepted media types, largest size): Meta's Cloud API media limits.
KINDS: dict[str, tuple[tuple[str, ...], int]] = {
    "image": (("image/jpeg", "image/png"), 5 * MB),
    "video": (("video/mp4", "video/3gpp"), 16 * MB),
    "audio": (("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"), 16 * MB),
    "document": (("*",), 100 * MB),
    "sticker": (("image/webp",), 500 * 1024),
}


@dataclass(frozen=True, slots=True)
class Upload:
    id: str
    org_id: str
    kind: str
    file_name: str
    mime_type: str
    content: bytes


@dataclass
class Uploads:
    """A world's uploaded files, newest last."""

    files: OrderedDict[str, Upload] = field(default_factory=OrderedDict)

    def add(self, upload: Upload) -> Upload:
        self.files[upload.id] = upload
        while len(self.files) > KEEP:
            self.files.popitem(last=False)
        return upload


UPLOADS_STATE = StateKey("wazapin.uploads", Uploads)


def _unreadable() -> ApiError:
    return ApiError(400, "validation_error", "file is required: send multipart/form-data with a part named file",
                    field="file")


async def _read_file(request: web.Request, limit: int) -> tuple[str, str, bytes]:
    """``(file name, media type, bytes)`` of the ``file`` part; other parts are skipped."""
    if "Content-Encoding" in request.headers:
        refuse_encoded(request.headers["Content-Encoding"])
    if request.content_type != "multipart/form-data":
        raise ApiError(415, "unsupported_media_type",
                       f"Content-Type must be multipart/form-data, not {request.content_type[:60]}.")
    try:
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, BodyPartReader) or part.name != "file":
                await part.release()
                continue
            chunks, size = [], 0
            while chunk := await part.read_chunk():
                size += len(chunk)
                if size > limit:
                    raise unusable("file", f"file is larger than the {limit} bytes this kind allows")
                if size > request.client_max_size:
                    raise too_large(request)
                chunks.append(chunk)
            media_type = part.headers.get("Content-Type", "application/octet-stream").split(";")[0].strip().lower()
            return part.filename or "upload", media_type, b"".join(chunks)
    except (ValueError, AssertionError, RuntimeError, LookupError, HttpProcessingError):
        # aiohttp's parser raises these on a body that is not the multipart its header announces.
        raise _unreadable() from None
    raise _unreadable()


async def upload(request: web.Request) -> web.Response:
    """``POST /v1/messages/uploads/{kind}``: 201 ``{"data": {id, media_url, file_name, mime_type, size}}``."""
    key = require(request, SEND)
    kind = request.match_info["kind"]
    if kind not in KINDS:
        raise ApiError(404, "not_found", f"no upload for {kind[:40]!r}; kinds: {', '.join(KINDS)}")
    accepted, limit = KINDS[kind]
    file_name, media_type, content = await _read_file(request, limit)
    if not content:
        raise unusable("file", "file is empty")
    if "*" not in accepted and media_type not in accepted:
        raise unusable("file", f"a {kind} must be one of {', '.join(accepted)}, not {media_type[:60]}")
    world = request.app[keys.world]
    saved = world.state(UPLOADS_STATE).add(Upload("med_" + world.ids.token(24), key.org_id, kind, file_name[:255],
                                                  media_type, content))
    return data({
        "id": saved.id,
        "media_url": f"{api_base(request)}{MEDIA_PATH}{saved.id}",
        "file_name": saved.file_name,
        "mime_type": saved.mime_type,
        "size": len(saved.content),
        "kind": kind,
    }, status=201)


async def download(request: web.Request) -> web.StreamResponse:
    """``GET /v1/media/{media_id}``: the uploaded bytes in their media type (no key: a public file URL)."""
    found = request.app[keys.world].state(UPLOADS_STATE).files.get(request.match_info["media_id"])
    if found is None:
        raise ApiError(404, "not_found", "media not found")
    return web.Response(body=found.content, content_type=found.mime_type,
                        headers={"Content-Disposition": f'inline; filename="{_safe(found.file_name)}"'})


def _safe(name: str) -> str:
    """A file name fit for a quoted header value.

    >>> _safe('a"b\\r\\n.png')
    'a_b__.png'
    """
    return "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)

