"""Mojeeb API key format: ``mk_live_<22 base62>_<10-char checksum>``.

https://docs.mojeeb.app/docs/developers/authentication documents the shape and
that the checksum lets malformed keys be refused before any lookup; the
algorithm is not published. Ours (designed): the first 10 hex characters of
SHA-256 over ``mk_live_<body>``.
"""

from __future__ import annotations

import functools
import hashlib
import re

PREFIX = "mk_live_"
_SHAPE = re.compile(r"mk_live_([0-9A-Za-z]{22})_([0-9A-Za-z]{10})")


def checksum(body: str) -> str:
    """The 10-character checksum of a 22-character key body."""
    return hashlib.sha256(f"{PREFIX}{body}".encode()).hexdigest()[:10]


def make_key(body: str) -> str:
    """A well-formed key around ``body`` (22 base62 characters).

    >>> make_key("8aB3cDe4FgH5iJ6kLm7nOp")
    'mk_live_8aB3cDe4FgH5iJ6kLm7nOp_49a9142d9f'
    """
    if not re.fullmatch(r"[0-9A-Za-z]{22}", body):
        raise ValueError("a Mojeeb key body is 22 base62 characters")
    return f"{PREFIX}{body}_{checksum(body)}"


@functools.lru_cache(maxsize=1024)  # every call carries one of the same few keys: check each once
def is_well_formed(secret: str) -> bool:
    """Shape and checksum both right (checked before any lookup).

    >>> is_well_formed(make_key("8aB3cDe4FgH5iJ6kLm7nOp")), is_well_formed("mk_live_8aB3cDe4FgH5iJ6kLm7nOp_a1b2c3d4e5")
    (True, False)
    """
    match = _SHAPE.fullmatch(secret)
    return bool(match) and checksum(match.group(1)) == match.group(2)
