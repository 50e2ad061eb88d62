"""The public webhook sink for a block of a test: ``async with running_sink() as sink:``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from wa_emulator.testing.sink import WebhookSink


@asynccontextmanager
async def running_sink() -> AsyncIterator[WebhookSink]:
    """A fresh WebhookSink on 127.0.0.1, serving until the block ends (the sink has no ``async with`` of
    its own; a whole test can take the ``wa_webhook_sink`` fixture instead)."""
    sink = await WebhookSink().start()
    try:
        yield sink
    finally:
        await sink.stop()
