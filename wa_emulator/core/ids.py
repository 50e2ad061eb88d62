"""Generated identifiers, all drawn from one seeded random source.

With a seed, every id, wamid and token repeats exactly from run to run; without
one, they are as unpredictable as real providers' ids.
"""

from __future__ import annotations

import base64
import random
import re
import string
import uuid

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
# Every pair of Crockford digits, indexed by the 10 bits they encode: a ULID is 13 lookups.
_PAIRS = tuple(high + low for high in _CROCKFORD for low in _CROCKFORD)
_MASK_48 = (1 << 48) - 1
# Byte -> the Crockford digit of its low five bits: 16 random bytes become 16 random digits in one call.
_LOW_FIVE_BITS = bytes(ord(_CROCKFORD[byte & 31]) for byte in range(256))
# A UUID already in the 8-4-4-4-12 form, any case: what every client sends. Anything else of the right
# length goes through uuid.UUID, which also takes forms such as "urn:..." and braces.
_HYPHENATED = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# What uuid.UUID(int=..., version=4) does to the random bits: version 4, RFC 4122 variant.
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
_V4_SET = (4 << 76) | (0x8000 << 48)


def canonical_uuid(value: str) -> str | None:
    """A hyphenated UUID in lower case, as ids are stored, or None when ``value`` is not one.

    UUIDs are case-insensitive (RFC 9562 §4), and the providers' databases compare them as UUIDs,
    so an id a client upper-cased still names the same message.

    >>> canonical_uuid("01C45011-D803-4EB0-A762-3228A4C392F3"), canonical_uuid("01c45011d8034eb0a7623228a4c392f3")
    ('01c45011-d803-4eb0-a762-3228a4c392f3', None)
    """
    if len(value) != 36:
        return None
    if _HYPHENATED.fullmatch(value):
        # The form every client sends: the same answer as uuid.UUID's without parsing it.
        return value.lower()
    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


class IdFactory:
    """Deterministic-when-seeded ids.

    >>> ids = IdFactory(seed=7)
    >>> ids.uuid() == IdFactory(seed=7).uuid()
    True
    """

    def __init__(self, seed: int | None = None) -> None:
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        self.seed = seed
        self._rng = random.Random(seed)
        # The last ULID's milliseconds over 1024 and the first 8 characters they spell (see ulid()).
        self._ulid_high = -1
        self._ulid_head = ""

    def uuid(self) -> str:
        """A random (version 4) UUID string.

        Formatted by hand, as every send mints one: the same string as
        ``str(uuid.UUID(int=bits, version=4))`` for the same bits, so seeded runs keep their ids.
        """
        digits = (self._rng.getrandbits(128) & _V4_CLEAR | _V4_SET).to_bytes(16).hex()
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"

    def ulid(self, at: float) -> str:
        """A ULID: 48 bits of milliseconds at ``at`` then 80 random bits, Crockford base32.

        Every request mints one, so neither half does bit work in Python: the time's first
        eight characters change once every 1024 ms and are kept, and the 16 random characters are 16
        random bytes mapped to a character each by their low five bits, in one ``bytes.translate``
        (a byte's low five bits are uniform, so each character carries 5 random bits: 80 in all).

        >>> IdFactory(seed=1).ulid(0.0)[:10], len(IdFactory(seed=1).ulid(1_700_000_000.0))
        ('0000000000', 26)
        """
        millis = int(at * 1000) & _MASK_48
        if millis >> 10 != self._ulid_high:
            self._ulid_high = millis >> 10
            p = _PAIRS
            self._ulid_head = (f"{p[millis >> 40]}{p[millis >> 30 & 1023]}{p[millis >> 20 & 1023]}"
                               f"{p[millis >> 10 & 1023]}")
        return (self._ulid_head + _PAIRS[millis & 1023]
                + self._rng.getrandbits(128).to_bytes(16).translate(_LOW_FIVE_BITS).decode())

    def wamid(self, recipient_digits: str) -> str:
        """A wamid shaped like Meta's: ``wamid.`` and an opaque base64 blob."""
        inner = b"\x15\x02\x00\x11\x18\x12" + f"{recipient_digits}".encode() + self._rng.randbytes(16)
        return "wamid." + base64.b64encode(b"HBgL" + inner).decode()

    def token(self, length: int, alphabet: str = _BASE62) -> str:
        """A random string of ``length`` characters from ``alphabet`` (base62 by default)."""
        return "".join(self._rng.choice(alphabet) for _ in range(length))

    def hex(self, length: int) -> str:
        return self.token(length, "0123456789abcdef")

    def randbytes(self, n: int) -> bytes:
        return self._rng.randbytes(n)

    def random(self) -> float:
        """A float in [0, 1) from the seeded source (for seeded probabilities)."""
        return self._rng.random()
