"""What a customer can send in: the inbound message kinds, their fields, and the placeholder media.

Provider-neutral. The control API, the Python API and scenario scripts give an inbound message as
a ``type`` and flat fields; :func:`inbound_content` checks them and returns the neutral content the
core stores; each provider renders that content in its own inbound shape. The kinds and their
limits follow Meta's Cloud API inbound messages, which every provider here wraps
(https://developers.facebook.com/docs/whatsapp/cloud-api/webhooks/components#messages-object).

>>> inbound_content("location", {"latitude": 41.9, "longitude": 12.5, "name": "Roma"})
{'latitude': 41.9, 'longitude': 12.5, 'name': 'Roma'}
>>> inbound_content("image", {"caption": "Receipt"})["mime_type"]
'image/png'
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["KINDS", "MEDIA_KINDS", "InboundError", "fields_of", "inbound_content", "placeholder"]

MAX_TEXT = 4096  # Meta's text body limit
MAX_CAPTION = 1024  # Meta's media caption limit
MAX_TITLE = 24  # a list row's title; a reply button's is 20, but a reply echoes what was shown
MAX_DESCRIPTION = 72


class InboundError(ValueError):
    """One field of an inbound message is missing or wrong; ``field`` names it, ``code`` says which.

    >>> try:
    ...     inbound_content("reaction", {"emoji": "👍"})
    ... except InboundError as exc:
    ...     print(exc.code, exc.field, exc)
    missing_field message_id 'message_id' is required for a reaction inbound message.
    """

    def __init__(self, code: str, field: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.field = field


@dataclass(frozen=True, slots=True)
class Field:
    """One field of one inbound kind: its JSON type, whether it must be given, and its bounds."""

    name: str
    kind: str = "string"  # "string" or "number"
    required: bool = False
    limit: int | None = None  # longest string
    bound: float | None = None  # |number| at most this


def _media(*extra: Field) -> tuple[Field, ...]:
    return (Field("caption", limit=MAX_CAPTION), Field("mime_type", limit=255), *extra)


KINDS: dict[str, tuple[Field, ...]] = {
    "text": (Field("text", limit=MAX_TEXT),),
    "image": _media(),
    "document": _media(Field("filename", limit=240)),
    "audio": _media(),
    "location": (Field("latitude", "number", True, bound=90), Field("longitude", "number", True, bound=180),
                 Field("name", limit=1000), Field("address", limit=1000)),
    "contact": (Field("name", required=True, limit=1000), Field("phone", required=True, limit=32),
                Field("organization", limit=1000)),
    "button_reply": (Field("reply_id", required=True, limit=256), Field("title", required=True, limit=MAX_TITLE)),
    "list_reply": (Field("reply_id", required=True, limit=200), Field("title", required=True, limit=MAX_TITLE),
                   Field("description", limit=MAX_DESCRIPTION)),
    "reaction": (Field("message_id", required=True, limit=512), Field("emoji", required=True, limit=16)),
}
MEDIA_KINDS = ("image", "document", "audio")


def fields_of(kind: str) -> tuple[str, ...]:
    """The type-specific field names of ``kind``.

    >>> fields_of("button_reply")
    ('reply_id', 'title')
    """
    return tuple(field.name for field in KINDS[kind])


def _checked(kind: str, field: Field, value: Any) -> Any:
    what = f"a {kind} inbound message"
    if field.kind == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InboundError("invalid_field", field.name, f"'{field.name}' must be a number in {what}.")
        if field.bound is not None and not -field.bound <= value <= field.bound:
            raise InboundError("invalid_field", field.name,
                               f"'{field.name}' must be between -{field.bound:g} and {field.bound:g}.")
        return value
    if not isinstance(value, str):
        raise InboundError("invalid_field", field.name, f"'{field.name}' must be a string in {what}.")
    if field.required and not value.strip():
        raise InboundError("invalid_field", field.name, f"'{field.name}' must not be empty.")
    if field.limit is not None and len(value) > field.limit:
        raise InboundError("invalid_field", field.name, f"'{field.name}' is longer than {field.limit} characters.")
    return value


def inbound_content(kind: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """The neutral content of a ``kind`` inbound message from its type-specific fields (checked).

    Another kind's field is refused (``unknown_field``), a required one missing is ``missing_field``;
    media get a ``mime_type`` and the ``sha256`` of the placeholder file the emulator serves for them.

    >>> inbound_content("text", {})
    {'text': ''}
    >>> try:
    ...     inbound_content("location", {"latitude": 1, "longitude": 2, "caption": "x"})
    ... except InboundError as exc:
    ...     print(exc.code, exc.field)
    unknown_field caption
    """
    if kind not in KINDS:
        raise InboundError("invalid_field", "type", f"'type' must be one of {', '.join(KINDS)}, not {kind!r}.")
    fields = KINDS[kind]
    names = fields_of(kind)
    for name in given:
        if name not in names:
            other = f"the {kind} fields are: {', '.join(names)}" if names else f"a {kind} takes no fields"
            raise InboundError("unknown_field", str(name), f"'{name}' is not a field of a {kind} inbound message; "
                               f"{other}.")
    content: dict[str, Any] = {}
    for field in fields:
        value = given.get(field.name)
        if value is None:
            if field.required:
                raise InboundError("missing_field", field.name,
                                   f"'{field.name}' is required for a {kind} inbound message.")
            continue
        content[field.name] = _checked(kind, field, value)
    if kind == "text":
        content.setdefault("text", "")
    if kind in MEDIA_KINDS:
        family = _DEFAULT_MIME[kind].split("/")[0]
        mime = content.setdefault("mime_type", _DEFAULT_MIME[kind])
        if kind != "document" and not mime.startswith(family + "/"):
            raise InboundError("invalid_field", "mime_type", f"'mime_type' of {kind} must be {family}/…, not {mime!r}.")
        if kind == "document":
            content.setdefault("filename", "document.pdf")
        content["sha256"] = _SHA256[kind]
    return content


# -- placeholder media: small, valid files built here, so nothing is read from disk -------------------


def _png() -> bytes:
    """A 1x1 opaque white PNG, chunk by chunk (CRCs computed, so any decoder accepts it)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\xff\xff")  # filter byte, one white pixel
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _pdf() -> bytes:
    """A one-page blank PDF with a correct cross-reference table."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 72 72] >>"]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _wav() -> bytes:
    """A tenth of a second of silence: 8 kHz, 8-bit mono PCM."""
    samples = b"\x80" * 800
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 8000, 1, 8)
    return (b"RIFF" + struct.pack("<I", 36 + len(samples)) + b"WAVEfmt " + struct.pack("<I", 16) + fmt
            + b"data" + struct.pack("<I", len(samples)) + samples)


_DEFAULT_MIME = {"image": "image/png", "document": "application/pdf", "audio": "audio/wav"}
_PLACEHOLDERS = {"image": _png(), "document": _pdf(), "audio": _wav()}
_SHA256 = {kind: hashlib.sha256(data).hexdigest() for kind, data in _PLACEHOLDERS.items()}  # the files never change


def placeholder(kind: str) -> bytes:
    """The bytes served for a ``kind`` media message (the same file for every message of that kind).

    >>> placeholder("image")[:4], placeholder("document")[:5], placeholder("audio")[:4]
    (b'\\x89PNG', b'%PDF-', b'RIFF')
    """
    return _PLACEHOLDERS[kind]

