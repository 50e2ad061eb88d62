"""The webhook dispatcher: POST rendered events, record every attempt, retry on the clock.

Providers decide *what* to send (the body, its event type, how it is signed and
which answers count as success); the dispatcher decides *when* and keeps the
log. Every event ends in exactly one recorded state: ``delivered``,
``exhausted`` (all attempts failed, each one kept; a URL the destination
policy refuses, ``destinations.py``, fails at once with one attempt), ``dropped`` (a scenario
asked for it to be lost), or ``cancelled`` (the provider withdrew it, e.g. its
endpoint was deleted, keeping the attempts already made). A slow or dead receiver only ever delays its own
deliveries: each attempt is separate background work with its own timeout.

Holds (``Dispatcher.hold``) park deliveries instead of attempting them: a delivery a hold matches
waits, still pending, in the held queue until it is released (attempted at once, then retried by
its own policy), dropped or duplicated; the clock moving on never sends it. Every step it takes in
the queue is kept on the delivery (``queue``) next to its attempts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from .answers import Answer, read_answer
from .bins import Recognizer, Verdict
from .clock import Clock
from .destinations import USER_AGENT, Destinations
from .ids import IdFactory
from .models import PLAIN_DELIVERY, WebhookDirective

log = logging.getLogger(__name__)

PENDING = "pending"
DELIVERED = "delivered"
EXHAUSTED = "exhausted"
DROPPED = "dropped"
CANCELLED = "cancelled"
INVALID = "invalid"  # strict mode: the body broke its contract, so it was never sent

DEFAULT_CAP = 50_000


def is_2xx(status: int) -> bool:
    return 200 <= status < 300


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When to try, how long to wait for an answer, and which answers count as success.

    ``schedule[n]`` is the emulated delay before attempt ``n + 1``; the first is
    usually 0 (immediately), and its length is the number of attempts.
    """

    schedule: tuple[float, ...]
    timeout: float
    accept: Callable[[int], bool] = is_2xx


@dataclass(slots=True)
class Attempt:
    """One POST: when (emulated and wall), where, and what came back."""

    number: int
    at: float
    wall_at: float
    url: str
    status_code: int | None
    error: str | None
    latency_ms: float
    response_body: str | None = None  # the start of the answer (answers.KEEP_LIMIT), None without one
    response_truncated: bool = False  # the answer went on past answers.READ_LIMIT and was dropped
    headers: Mapping[str, str] | None = None  # what was sent with the body (signature headers too); None: not sent

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": self.at,
            "wall_at": self.wall_at,
            "url": self.url,
            "status_code": self.status_code,
            "error": self.error,
            "latency_ms": round(self.latency_ms, 3),
            "response_body": self.response_body,
            "response_truncated": self.response_truncated,
            "headers": None if self.headers is None else dict(self.headers),
        }


@dataclass(frozen=True, slots=True)
class QueueStep:
    """One thing that happened to a delivery in the held queue: ``held``, ``released``, ``dropped``,
    or ``duplicated`` (``of`` names the delivery it copies)."""

    action: str
    at: float
    hold_id: str | None = None
    of: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"action": self.action, "at": self.at}
        if self.hold_id is not None:
            data["hold_id"] = self.hold_id
        if self.of is not None:
            data["of"] = self.of
        return data


HOLD_SCOPE = ("provider", "endpoint_id", "url", "message_id")
"""What a hold may be narrowed by; a hold naming none of them holds every delivery."""


@dataclass(frozen=True, slots=True)
class Hold:
    """Parks the deliveries it matches: every one, or those of one provider, endpoint, URL or message.

    >>> hold = Hold("hold_1", 0.0, message_id="m1")
    >>> hold.scope(), hold.matches(Delivery("d", "e", "wazapin", "org", "ep", "http://x", "t", b"",
    ...                                     RetryPolicy((0,), 1.0), None, 0.0, message_id="m1"))
    ({'message_id': 'm1'}, True)
    """

    id: str
    created_at: float
    provider: str | None = None
    endpoint_id: str | None = None
    url: str | None = None
    message_id: str | None = None

    def scope(self) -> dict[str, str]:
        """The fields it is narrowed by (empty: it holds everything)."""
        return {name: value for name in HOLD_SCOPE if (value := getattr(self, name)) is not None}

    def matches(self, delivery: Delivery) -> bool:
        return all(getattr(delivery, name) == value for name, value in self.scope().items())

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "scope": self.scope(), "created_at": self.created_at}


# Builds the headers of one attempt from the delivery and the real time of the attempt.
Signer = Callable[["Delivery", float], Mapping[str, str]]
# Called when a delivery ends delivered or exhausted.
DeliveryListener = Callable[["Delivery"], None]
# Called with each step a delivery takes in the held queue: (action of QueueStep, the delivery).
QueueListener = Callable[[str, "Delivery"], None]
# Strict mode's check of a webhook: (provider, event_type, body) -> what breaks the body's contract, or None.
WebhookCheck = Callable[[str, str, bytes], str | None]


@dataclass(slots=True)
class Delivery:
    """One copy of one event on its way to one URL."""

    id: str
    event_id: str
    provider: str
    org_id: str
    endpoint_id: str
    url: str
    event_type: str
    body: bytes
    policy: RetryPolicy
    sign: Signer | None
    created_at: float
    message_id: str | None = None
    status: str | None = None
    copy: int = 0
    method: str = "POST"
    round_start: int = 0  # attempts made before the current round (a manual retry starts a new one)
    state: str = PENDING
    attempts: list[Attempt] = field(default_factory=list)
    next_attempt_at: float | None = None
    problem: str | None = None  # why strict mode refused to send it
    held_at: float | None = None  # when a hold parked it (emulated); None once released or never held
    hold_id: str | None = None  # the hold that parked it
    released: bool = False  # let go from the queue: this round's retries are not held again
    queue: list[QueueStep] = field(default_factory=list)  # what happened to it in the held queue
    # The first that many attempts count as failed whatever the answer (a scenario's webhook.fail_attempts).
    fail_attempts: int = 0

    @property
    def held(self) -> bool:
        """Whether it waits in the held queue."""
        return self.held_at is not None and self.state == PENDING

    def to_json(self, *, with_body: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "event_id": self.event_id,
            "provider": self.provider,
            "org_id": self.org_id,
            "endpoint_id": self.endpoint_id,
            "url": self.url,
            "event_type": self.event_type,
            "message_id": self.message_id,
            "status": self.status,
            "copy": self.copy,
            "state": self.state,
            "created_at": self.created_at,
            "next_attempt_at": self.next_attempt_at,
            "attempts": [attempt.to_json() for attempt in self.attempts],
        }
        if self.problem is not None:
            data["problem"] = self.problem
        if self.held_at is not None:
            data["held_at"] = self.held_at
        if self.queue:
            data["queue"] = [step.to_json() for step in self.queue]
        if with_body:
            data["body"] = self.body.decode("utf-8", "replace")
        return data


class Dispatcher:
    """Sends webhook deliveries and keeps the delivery log (the newest ``cap`` finished, plus all pending)."""

    def __init__(self, clock: Clock, ids: IdFactory, *, cap: int = DEFAULT_CAP, connections: int = 100) -> None:
        self.clock = clock
        self.ids = ids
        self.cap = cap
        self._connections = connections
        self._slots: dict[str, asyncio.Semaphore] = {}
        self._deliveries: dict[str, Delivery] = {}
        self._session: aiohttp.ClientSession | None = None
        self._listeners: list[DeliveryListener] = []
        self._pending_of: dict[str, int] = {}  # message id -> how many of its deliveries are pending
        self.inspect: WebhookCheck | None = None  # set by strict mode
        self.on_attempt: Callable[[Delivery, Attempt], None] | None = None  # told of each attempt (serve logs it)
        self._holds: dict[str, Hold] = {}
        self._held: dict[str, Delivery] = {}  # the held queue, in the order deliveries were parked
        self._hold_seq = 0
        self._queue_listeners: list[QueueListener] = []
        # Which URLs may be called at all; the wiring sets the server's own (from its settings).
        self.destinations = Destinations()
        # Each provider that pushes webhooks says which received requests are its own (request bins).
        self.recognizers: list[Recognizer] = []

    # -- sending ----------------------------------------------------------------------

    def send(
        self,
        *,
        provider: str,
        org_id: str,
        endpoint_id: str,
        url: str,
        event_type: str,
        body: bytes,
        policy: RetryPolicy,
        sign: Signer | None = None,
        directive: WebhookDirective = PLAIN_DELIVERY,
        message_id: str | None = None,
        status: str | None = None,
        event_id: str | None = None,
        method: str = "POST",
    ) -> list[Delivery]:
        """Queue one event (plus any duplicates the directive asks for); return its deliveries."""
        event_id = event_id or self.ids.uuid()
        problem = self.inspect(provider, event_type, body) if self.inspect is not None else None
        if problem is not None:
            log.error("%s: webhook %s not sent, contract violation: %s", provider, event_type, problem)
        created = []
        for copy in range(1 + max(directive.duplicate, 0)):
            delivery = Delivery(
                id=self.ids.uuid(),
                event_id=event_id,
                provider=provider,
                org_id=org_id,
                endpoint_id=endpoint_id,
                url=url,
                event_type=event_type,
                body=body,
                policy=policy,
                sign=sign,
                created_at=self.clock.now(),
                message_id=message_id,
                status=status,
                copy=copy,
                method=method,
                fail_attempts=directive.fail_attempts,
            )
            self._remember(delivery)
            created.append(delivery)
            if problem is not None:
                delivery.state, delivery.problem = INVALID, problem
                continue
            if directive.drop:
                delivery.state = DROPPED
                continue
            first_delay = directive.delay_of(copy) + (policy.schedule[0] if policy.schedule else 0.0)
            self._schedule(delivery, first_delay)
            self._opened(delivery)
        return created

    def retry_now(self, delivery: Delivery) -> None:
        """Start a fresh round of attempts for a delivery (a user asked for a retry)."""
        if delivery.state != PENDING:
            self._opened(delivery)
        delivery.state = PENDING
        delivery.round_start = len(delivery.attempts)
        delivery.released = False  # a new round goes out afresh, so a hold in force catches it
        self._schedule(delivery, 0.0)

    def cancel(self, delivery: Delivery) -> bool:
        """Stop a pending delivery: no further attempts. Returns whether it was still pending."""
        if delivery.state != PENDING:
            return False
        delivery.state = CANCELLED
        delivery.next_attempt_at = None
        self._held.pop(delivery.id, None)
        self._closed(delivery)
        return True

    def _schedule(self, delivery: Delivery, delay: float) -> None:
        delivery.next_attempt_at = self.clock.now() + delay
        if delay <= 0:
            self._spawn(delivery)
        else:
            self.clock.call_later(delay, lambda: self._spawn(delivery), label=f"webhook {delivery.id}")

    def _spawn(self, delivery: Delivery) -> None:
        # Returns nothing: a timer callback's awaitable would be awaited by the clock, stalling it.
        self._start(delivery)

    def _start(self, delivery: Delivery) -> asyncio.Task[None] | None:
        """The attempt's background task, or None when a hold parks the delivery instead."""
        if self._holds and not delivery.released and delivery.state == PENDING:
            hold = next((h for h in self._holds.values() if h.matches(delivery)), None)
            if hold is not None:
                self._park(delivery, hold.id)
                return None
        return self.clock.spawn(self._attempt(delivery), name=f"webhook {delivery.id}")

    # -- the held queue ---------------------------------------------------------------

    def hold(self, *, provider: str | None = None, endpoint_id: str | None = None, url: str | None = None,
             message_id: str | None = None) -> Hold:
        """Park every delivery about to be attempted that matches all the given fields (none: every one)."""
        self._hold_seq += 1
        hold = Hold(f"hold_{self._hold_seq}", self.clock.now(), provider, endpoint_id, url, message_id)
        self._holds[hold.id] = hold
        return hold

    def holds(self) -> list[Hold]:
        """The holds in force, oldest first."""
        return list(self._holds.values())

    def unhold(self, hold_id: str | None = None) -> list[Hold]:
        """Stop one hold (KeyError if unknown), or every one; what is held already stays held."""
        if hold_id is None:
            stopped = list(self._holds.values())
            self._holds.clear()
            return stopped
        return [self._holds.pop(hold_id)]

    def held(self) -> list[Delivery]:
        """The held queue, in the order deliveries were parked."""
        return list(self._held.values())

    def held_ones(self, ids: Sequence[str] | None) -> list[Delivery]:
        """The held deliveries ``ids`` names, in that order (None: the whole queue); KeyError names
        the first id that is not held, ValueError one named twice."""
        if ids is None:
            return self.held()
        if len(set(ids)) != len(ids):
            raise ValueError(next(i for n, i in enumerate(ids) if i in ids[:n]))
        missing = next((i for i in ids if i not in self._held), None)
        if missing is not None:
            raise KeyError(missing)
        return [self._held[i] for i in ids]

    async def release(self, ids: Sequence[str] | None = None) -> list[Delivery]:
        """Attempt held deliveries now, one after another in the given order (None: queue order).

        Each first attempt has ended before the next one starts, so a receiver sees them in that
        order; a failed one is retried on the clock by its own policy, like any delivery.
        """
        chosen = self.held_ones(ids)
        for delivery in chosen:
            if not delivery.held:
                continue  # withdrawn (cancelled, reset) while an earlier one was being attempted
            self._unpark(delivery, "released")
            delivery.released = True
            delivery.next_attempt_at = self.clock.now()
            task = self._start(delivery)
            if task is not None:
                # Shielded: a caller that stops waiting does not take the attempt down with it.
                await asyncio.shield(task)
        return chosen

    def drop(self, ids: Sequence[str] | None = None) -> list[Delivery]:
        """Lose held deliveries on purpose: recorded ``dropped``, never sent."""
        chosen = self.held_ones(ids)
        for delivery in chosen:
            self._unpark(delivery, "dropped")
            delivery.state = DROPPED
            delivery.next_attempt_at = None
            self._closed(delivery)
            for listener in self._listeners:
                listener(delivery)
        self._trim()
        return chosen

    def duplicate(self, ids: Sequence[str] | None = None) -> list[Delivery]:
        """Add a held copy of each held delivery (same event, body and signer; the next ``copy`` number),
        right behind the queue's end; returns the copies."""
        copies = []
        for original in self.held_ones(ids):
            siblings = [d.copy for d in self._deliveries.values() if d.event_id == original.event_id
                        and d.endpoint_id == original.endpoint_id]
            twin = Delivery(
                id=self.ids.uuid(), event_id=original.event_id, provider=original.provider, org_id=original.org_id,
                endpoint_id=original.endpoint_id, url=original.url, event_type=original.event_type,
                body=original.body, policy=original.policy, sign=original.sign, created_at=self.clock.now(),
                message_id=original.message_id, status=original.status, copy=max(siblings, default=0) + 1,
                method=original.method, fail_attempts=original.fail_attempts,
            )
            self._remember(twin)
            self._opened(twin)
            twin.queue.append(QueueStep("duplicated", self.clock.now(), of=original.id))
            self._park(twin, original.hold_id, "duplicated")
            copies.append(twin)
        return copies

    def _park(self, delivery: Delivery, hold_id: str | None, told: str = "held") -> None:
        now = self.clock.now()
        delivery.held_at, delivery.hold_id, delivery.next_attempt_at = now, hold_id, None
        delivery.queue.append(QueueStep("held", now, hold_id=hold_id))
        self._held[delivery.id] = delivery
        self._tell_queue(told, delivery)

    def _unpark(self, delivery: Delivery, action: str) -> None:
        del self._held[delivery.id]
        delivery.held_at = None
        delivery.queue.append(QueueStep(action, self.clock.now(), hold_id=delivery.hold_id))
        self._tell_queue(action, delivery)

    def on_queue(self, listener: QueueListener) -> None:
        """Call ``listener(action, delivery)`` as a delivery is held, duplicated (its held copy),
        released or dropped: a watcher (the dashboard) sees the queue move without polling it."""
        self._queue_listeners.append(listener)

    def _tell_queue(self, action: str, delivery: Delivery) -> None:
        for listener in self._queue_listeners:
            listener(action, delivery)

    async def _attempt(self, delivery: Delivery) -> None:
        if delivery.state != PENDING:
            return
        number = len(delivery.attempts) + 1
        refused = self.destinations.refusal(delivery.url)
        if refused is not None:
            # Recorded as a failed attempt that never left the process; retrying could not change it.
            status_code, error, answer, wall, latency_ms = None, refused, None, self.clock.wall(), 0.0
            headers = None
        else:
            # Waiting for a free slot is not the receiver's fault: the receiver's time budget,
            # the signature's timestamp and the recorded latency all start once the slot is ours.
            async with self._slot(delivery.url):
                wall = self.clock.wall()
                headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
                if delivery.sign is not None:
                    headers.update(delivery.sign(delivery, wall))
                started = time.perf_counter()
                status_code, error, answer = await self._post(delivery, headers)
                latency_ms = (time.perf_counter() - started) * 1000
        forced = refused is None and number <= delivery.fail_attempts
        if forced:
            # The request went out (the receiver saw it) but the scenario counts it failed: the log
            # keeps the real answer and says why it did not count.
            answered = "no answer" if status_code is None else f"the receiver answered {status_code}"
            error = (f"counted failed by the scenario (webhook.fail_attempts: attempt {number} of "
                     f"{delivery.fail_attempts}); {answered}" + (f": {error}" if error else ""))
        attempt = Attempt(number, self.clock.now(), wall, delivery.url, status_code, error, latency_ms,
                          None if answer is None else answer.text, answer is not None and answer.truncated, headers)
        delivery.attempts.append(attempt)
        if self.on_attempt is not None:
            self.on_attempt(delivery, attempt)
        if delivery.state == CANCELLED:
            return  # withdrawn while this attempt was in flight: keep the attempt, send nothing more
        if not forced and status_code is not None and delivery.policy.accept(status_code):
            delivery.state = DELIVERED
        else:
            made = number - delivery.round_start
            if refused is None and made < len(delivery.policy.schedule):
                self._schedule(delivery, delivery.policy.schedule[made])
                return
            delivery.state = EXHAUSTED
        delivery.next_attempt_at = None
        self._closed(delivery)
        self._trim()
        for listener in self._listeners:
            listener(delivery)

    async def _post(self, delivery: Delivery, headers: dict[str, str]) -> tuple[int | None, str | None, Answer | None]:
        """One HTTP attempt: the status code and the start of the answer, or why there is none."""
        try:
            async with asyncio.timeout(delivery.policy.timeout), self._client().request(
                delivery.method,
                delivery.url,
                data=delivery.body,
                headers=headers,
                allow_redirects=False,
            ) as response:
                answer = await read_answer(response)
                return response.status, None, answer
        except TimeoutError:
            return None, f"timed out after {delivery.policy.timeout:g}s", None
        except aiohttp.ClientError as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__, None
        except (OSError, ValueError) as exc:  # a bad URL or a refusal below aiohttp
            return None, f"{type(exc).__name__}: {exc}", None

    def _slot(self, url: str) -> asyncio.Semaphore:
        """At most ``connections`` attempts at once per receiver origin, so a slow one only delays itself."""
        origin = urlsplit(url).netloc
        slot = self._slots.get(origin)
        if slot is None:
            slot = self._slots[origin] = asyncio.Semaphore(self._connections)
        return slot

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=0),  # bounded per origin by _slot()
            )
        return self._session

    def recognize(self, path: str, headers: Mapping[str, str], body: bytes) -> Verdict | None:
        """Which provider sent a webhook that reached ``path``, and whether its signature holds
        (``headers`` with lower-case names); None when no provider knows it."""
        for recognizer in self.recognizers:
            verdict = recognizer(path, headers, body)
            if verdict is not None:
                return verdict
        return None

    # -- the log ----------------------------------------------------------------------

    def on_finished(self, listener: DeliveryListener) -> None:
        """Call ``listener`` when a delivery ends delivered or exhausted (or is dropped from the held queue)."""
        self._listeners.append(listener)

    def get(self, delivery_id: str) -> Delivery | None:
        return self._deliveries.get(delivery_id)

    def deliveries(
        self,
        *,
        provider: str | None = None,
        org_id: str | None = None,
        message_id: str | None = None,
        state: str | None = None,
    ) -> list[Delivery]:
        """Deliveries matching every given filter, oldest first."""
        return [
            d
            for d in self._deliveries.values()
            if (provider is None or d.provider == provider)
            and (org_id is None or d.org_id == org_id)
            and (message_id is None or d.message_id == message_id)
            and (state is None or d.state == state)
        ]

    def _remember(self, delivery: Delivery) -> None:
        self._deliveries[delivery.id] = delivery
        self._trim()

    def _trim(self) -> None:
        """Forget the oldest finished deliveries beyond ``cap``; pending ones are live and stay.

        Runs on every insert and every finish, so a burst of pending deliveries overshoots
        the cap only until they end.
        """
        excess = len(self._deliveries) - self.cap
        if excess <= 0:
            return
        doomed = []
        for old_id, old in self._deliveries.items():
            if old.state != PENDING:  # a held delivery is pending too: it stays
                doomed.append(old_id)
                if len(doomed) == excess:
                    break
        for old_id in doomed:
            del self._deliveries[old_id]

    def has_pending(self, message_id: str) -> bool:
        """Whether any delivery about message ``message_id`` may still be attempted (the store keeps it then)."""
        return message_id in self._pending_of

    def pending_count(self) -> int:
        """How many deliveries may still be attempted."""
        return sum(1 for d in self._deliveries.values() if d.state == PENDING)

    def _opened(self, delivery: Delivery) -> None:
        if delivery.message_id is not None:
            self._pending_of[delivery.message_id] = self._pending_of.get(delivery.message_id, 0) + 1

    def _closed(self, delivery: Delivery) -> None:
        message_id = delivery.message_id
        if message_id is not None and message_id in self._pending_of:
            left = self._pending_of[message_id] - 1
            if left > 0:
                self._pending_of[message_id] = left
            else:
                del self._pending_of[message_id]

    def clear(self) -> None:
        self._deliveries.clear()
        self._pending_of.clear()
        self._holds.clear()
        self._held.clear()
        self._hold_seq = 0

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
        await asyncio.sleep(0)
