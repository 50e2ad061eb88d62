"""The event loops the benchmarks compare: the default asyncio loop and uvloop when installed."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

LoopFactory = Callable[[], asyncio.AbstractEventLoop] | None


def available() -> list[str]:
    """``["asyncio"]``, plus ``"uvloop"`` when it is installed."""
    try:
        import uvloop  # noqa: F401
    except ImportError:
        return ["asyncio"]
    return ["asyncio", "uvloop"]


def factory(name: str) -> LoopFactory:
    """A loop factory for ``asyncio.Runner`` (None is asyncio's default loop)."""
    if name == "uvloop":
        import uvloop

        return uvloop.new_event_loop
    return None
