"""The dashboard's live feed: the world's events, fanned out to each open page as server-sent events.

The world already tells listeners about every status change, inbound message, finished webhook
delivery and step in the held webhook queue; the feed turns those into small events (ids and
names, never whole bodies: the page fetches what it shows from the control API). What has no
listener (journal entries, clock moves, faults, holds, request bins, a reset) is caught by
comparing a cheap digest of the world twice a second, only while a page is open.

Each page has its own bounded queue. A page that reads too slowly does not grow the server's
memory: once its queue is full, further events are dropped and it is sent one ``resync`` event,
on which it reloads what it shows.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from ..control.bins import BINS
from ..core.models import Message, StatusEvent
from ..core.timefmt import iso_ms
from ..core.webhooks import Delivery
from ..core.world import World

QUEUE_SIZE = 256  # events one page may fall behind by before it is told to resync
DIGEST_EVERY = 0.5  # seconds between digest checks while a page is open
CLOSED = object()  # put on a queue when the feed closes, so its stream ends at once


@dataclass(eq=False, slots=True)
class Subscriber:
    """One open page's queue of events (``(event, data)`` pairs)."""

    queue: asyncio.Queue[Any] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    overflowed: bool = False  # events were dropped: the page must reload what it shows

    def offer(self, item: Any) -> None:
        """Queue ``item``, or drop it and mark the page behind when the queue is full."""
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            self.overflowed = True


class Feed:
    """Every open page's subscription to one world.

    >>> world = World()
    >>> feed = Feed(world)
    >>> page = feed.subscribe()
    >>> feed.publish("hello", {"n": 1}); page.queue.get_nowait()
    ('hello', {'n': 1})
    >>> feed.unsubscribe(page); len(feed)
    0
    """

    def __init__(self, world: World) -> None:
        self.world = world
        self.closed = False
        self._subscribers: set[Subscriber] = set()
        world.on_status(self._status)
        world.on_inbound(self._inbound)
        world.dispatcher.on_finished(self._delivery)
        world.dispatcher.on_queue(self._queued)

    def __len__(self) -> int:
        return len(self._subscribers)

    def subscribe(self) -> Subscriber:
        subscriber = Subscriber()
        self._subscribers.add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.discard(subscriber)

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """Offer one event to every open page (a no-op with none open, so it costs the hot path nothing)."""
        for subscriber in self._subscribers:
            subscriber.offer((event, data))

    def close(self) -> None:
        """End every stream (the server is stopping): each page's queue gets the end marker."""
        self.closed = True
        for subscriber in self._subscribers:
            if subscriber.queue.full():
                subscriber.queue.get_nowait()  # the end matters more than any event still waiting
            subscriber.queue.put_nowait(CLOSED)

    def digest(self) -> dict[str, Any]:
        """What changes without a listener, cheaply: compare two digests to see which areas moved."""
        world = self.world
        clock = world.clock
        return {
            "world": id(world.store),  # a reset or a scenario load builds a new store
            "messages": (len(world.store), world.store.evicted),
            "journal": world.journal.last_seq,
            "clock": (clock.mode.value, clock.spec.factor, clock.now() if clock.mode.value == "manual" else None),
            "faults": len(world.faults),
            "scenario": id(world.scenario),
            "holds": tuple(hold.id for hold in world.dispatcher.holds()),  # a handful at most
            "bins": (id(bins := world.state(BINS)), bins.version),
        }

    # -- the world's listeners ----------------------------------------------------------

    def _status(self, event: StatusEvent) -> None:
        if self._subscribers:
            message = event.message
            self.publish("status", {"id": message.id, "provider": message.provider, "to": message.to,
                                    "status": event.status.value, "at": iso_ms(event.at)})

    def _inbound(self, message: Message) -> None:
        if self._subscribers:
            self.publish("message", {"id": message.id, "provider": message.provider, "direction": message.direction})

    def _delivery(self, delivery: Delivery) -> None:
        if self._subscribers:
            self.publish("delivery", {"id": delivery.id, "message_id": delivery.message_id,
                                      "provider": delivery.provider, "state": delivery.state})

    def _queued(self, action: str, delivery: Delivery) -> None:
        if self._subscribers:
            self.publish("queue", {"action": action, "id": delivery.id, "message_id": delivery.message_id,
                                   "provider": delivery.provider, "status": delivery.status})


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The areas whose digest moved.

    >>> changed({"journal": 1, "faults": 0}, {"journal": 2, "faults": 0})
    ['journal']
    """
    return [name for name, value in after.items() if before.get(name) != value]
