"""What a client observes, in its provider's words: polled statuses and webhooks received."""

from __future__ import annotations

from tests.support import Client
from wa_emulator.testing.emulator import Emulator


async def observe(emu: Emulator, client: Client, message_id: str, steps: list[float]) -> list[str]:
    """Poll once now, then once after each clock step; the words the client saw."""
    seen = [await client.status(message_id)]
    for seconds in steps:
        await emu.advance(seconds)
        seen.append(await client.status(message_id))
    return seen


def said(client: Client, *statuses: str) -> list[str]:
    """Core statuses in the client's provider's words."""
    return [client.words[status] for status in statuses]


async def hooks_are(client: Client, message_id: str, *statuses: str) -> None:
    """For providers that push: the status webhooks of ``message_id`` arrived as ``statuses``, in that order."""
    received = await client.webhooks()
    if received is not None:  # Mojeeb never pushes; its clients only poll
        assert [word for mid, word in received if mid == message_id] == said(client, *statuses)
