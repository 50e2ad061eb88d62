"""How much of a webhook receiver's answer the dispatcher reads and keeps.

Only the status decides an attempt, so the body is read just far enough to reuse the
connection for an ordinary short answer; past ``READ_LIMIT`` the connection is dropped
unread, so an endless or huge body costs at most that much. The delivery log keeps only
the first ``KEEP_LIMIT`` bytes of each answer: with thousands of deliveries and several
attempts each, even the read limit per attempt would add up to gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass

import aiohttp

READ_LIMIT = 64 * 1024  # bytes read off the socket per answer before the connection is dropped
KEEP_LIMIT = 1024  # bytes of each answer kept in the delivery log


@dataclass(frozen=True, slots=True)
class Answer:
    """What was read of one answer's body: its first ``KEEP_LIMIT`` bytes and whether more was left.

    >>> Answer(b"ok", read=2, truncated=False).text
    'ok'
    """

    head: bytes
    read: int  # bytes read off the socket, never more than READ_LIMIT
    truncated: bool  # the body went on past what was read, so the connection was dropped

    @property
    def text(self) -> str:
        return self.head.decode("utf-8", "replace")


async def read_answer(response: aiohttp.ClientResponse, *, limit: int = READ_LIMIT,
                      keep: int = KEEP_LIMIT) -> Answer:
    """Read at most ``limit`` bytes of ``response``'s body; close its connection if there is more.

    Example (inside an attempt): ``answer = await read_answer(response)``, then record
    ``answer.text`` and ``answer.truncated``.
    """
    content = response.content
    head = bytearray()
    read = 0
    while read < limit:
        chunk = await content.read(limit - read)
        if not chunk:
            break
        read += len(chunk)
        if len(head) < keep:
            head += chunk[: keep - len(head)]
    truncated = read >= limit and not content.at_eof()
    if truncated:
        # Closing (not releasing) drops the connection instead of draining the rest into the pool.
        response.close()
    return Answer(bytes(head), read, truncated)
