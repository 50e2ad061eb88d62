"""Raw request bodies for tests that send what no JSON client would (bad JSON, 1 MiB of junk)."""

from __future__ import annotations

import io


def stream(data: str | bytes) -> io.BytesIO:
    """``data`` as a file-like body, so aiohttp streams it instead of warning about a large raw body.

    aiohttp raises a ResourceWarning for a raw ``str``/``bytes`` body over 1 MiB (it may block the
    event loop); the suite turns ResourceWarnings into errors, so oversize bodies go through this.

    >>> stream("{not json").read()
    b'{not json'
    """
    return io.BytesIO(data.encode() if isinstance(data, str) else data)
