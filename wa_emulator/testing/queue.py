"""A hold on outbound webhooks, from Python: ``emu.hold_webhooks(...)`` returns one.

Example::

    with emu.hold_webhooks(message_id=mid) as hold:   # status webhooks of mid wait in the queue
        await emu.advance(10)                          # sent, delivered, read: all held
        by_status = {item["status"]: item["id"] for item in hold.held()}
        await emu.release([by_status["read"], by_status["sent"], by_status["delivered"]])
    # leaving the block stops the hold; anything still held stays held until released or dropped
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, Self

from ..control.queue import held_view
from ..core.webhooks import Dispatcher, Hold


class WebhookHold:
    """One hold in force: what it catches (``held()``), ``release()`` of what it caught, ``stop()``."""

    def __init__(self, dispatcher: Dispatcher, hold: Hold) -> None:
        self._dispatcher = dispatcher
        self.id = hold.id
        self.scope = hold.scope()

    def held(self) -> list[dict[str, Any]]:
        """The webhooks this hold parked that still wait, in the order they were parked."""
        return [held_view(d) for d in self._dispatcher.held() if d.hold_id == self.id]

    async def release(self, ids: list[str] | None = None) -> list[dict[str, Any]]:
        """Send ``ids`` in that order (None: everything this hold parked, in queue order)."""
        chosen = ids if ids is not None else [item["id"] for item in self.held()]
        return [d.to_json() for d in await self._dispatcher.release(chosen)]

    def stop(self) -> None:
        """Hold no more (safe to call twice); what is held stays held."""
        if any(h.id == self.id for h in self._dispatcher.holds()):
            self._dispatcher.unhold(self.id)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<WebhookHold {self.id} {self.scope or 'everything'}>"
