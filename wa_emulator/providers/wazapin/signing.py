"""Svix / Standard Webhooks signatures, as Wazapin's webhooks carry them.

https://docsx.wazapin.com/api/webhook-signature-examples and
https://docs.svix.com/receiving/verifying-payloads/how-manual: the secret is
``whsec_`` + base64; the signed content is ``"{id}.{timestamp}.{body}"``;
HMAC-SHA256, base64; the header holds space-separated ``v1,<signature>`` entries
(one per valid secret, so a rotated-out secret keeps working for a while).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

SECRET_PREFIX = "whsec_"


def new_secret(random_bytes: bytes) -> str:
    """A ``whsec_`` secret around ``random_bytes`` (Svix uses 24 bytes).

    >>> new_secret(bytes(3))
    'whsec_AAAA'
    """
    return SECRET_PREFIX + base64.b64encode(random_bytes).decode()


def secret_key(secret: str) -> bytes:
    """The HMAC key: the base64 after ``whsec_``."""
    return base64.b64decode(secret.removeprefix(SECRET_PREFIX))


def signature(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One ``v1,<base64>`` entry.

    >>> signature("whsec_AAAA", "msg_1", 0, b"{}")
    'v1,2GF8lg2r21anFV6A2lgzCfWiGl1i1KlH7anAuH8//Xk='
    """
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(secret_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secrets: list[str], msg_id: str, wall_time: float, body: bytes) -> dict[str, str]:
    """The signature headers of one attempt, under both the ``svix-`` and ``webhook-`` names.

    The timestamp is the real wall-clock second of the attempt, because receivers
    compare it with their own clock (the plugin allows 5 minutes).
    """
    timestamp = int(wall_time)
    signed = " ".join(signature(secret, msg_id, timestamp, body) for secret in secrets)
    values = {"id": msg_id, "timestamp": str(timestamp), "signature": signed}
    return {f"{prefix}-{name}": value for prefix in ("svix", "webhook") for name, value in values.items()}
