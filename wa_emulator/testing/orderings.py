"""Every ordering: run a test body once per distinct delivery order of its status webhooks.

The emulator's dispatcher would deliver each status webhook as soon as its status happens.
Here a ``Capture`` holds them instead, so the harness chooses the order: the test body sends
its messages, calls ``await run.deliver()``, and the held webhooks reach the client's receiver
one at a time in this run's order (each answered before the next is sent), then the body
asserts. The first run is the plain one; from the webhooks it held, the harness lists every
distinct order, with one copy duplicated, one dropped, and a ``sent`` webhook that reaches the
receiver while the send call is still in flight (the provider reports ``sent`` as soon as Meta
takes the message, which can beat the HTTP answer), and runs the body again for each in the
same world, reset, with the same seed. Copies of one event are interchangeable, so orders
that differ only in which copy goes first count once. Above ``max_runs`` orders it samples
with ``seed``.

Example::

    @pytest.mark.wa_orderings(max_runs=100)
    async def test_tracker_converges(wa_orderings):
        async def body(run):
            async with Receiver(MyTracker(), "wazapin") as receiver:
                client = MyWazapinClient(run.emulator.url("wazapin"), key=...)
                await client.subscribe(receiver.url)
                receiver.tracker.sent(await client.send_template(...))
                await run.deliver()
                converges(run.emulator, receiver.tracker.view())
        await wa_orderings.explore(body)

A failing order stops the exploration and fails the test with the order, its id and
``pytest 'path::test' --wa-ordering=ID``, which runs just that one.
"""

from __future__ import annotations

import math
import random
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from aiohttp import web

from ..core.models import Message, WebhookDirective
from ..core.status import Status
from ..core.webhooks import DROPPED, Delivery
from ..settings import Settings
from .coverage import collect_active
from .emulator import Emulator
from .schedules import Event, Schedule, SentMessage, StatusStep

__all__ = ["HELD", "Capture", "Order", "OrderingRun", "Orderings", "OrderingsFailed", "Token", "explore_orders"]

HELD = "held"  # a delivery's state while the harness holds it back
EARLY_STATUS = Status.SENT  # the only status a provider can report before its send call has answered
LONGEST = 31 * 24 * 3600.0  # deliver() runs the clock until nothing is due, at most this far

Key = tuple[int, str]  # (message number, 1-based in the order sent; core status)


# -- orders ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One delivery in an order: message number, status, and whether it is early or dropped.

    >>> Token(1, "sent", early=True).code, Token.parse("m2read-dropped")
    ('m1sent-early', Token(message=2, status='read', early=False, dropped=True))
    """

    message: int
    status: str
    early: bool = False
    dropped: bool = False

    @property
    def key(self) -> Key:
        return self.message, self.status

    @property
    def code(self) -> str:
        flag = "-early" if self.early else "-dropped" if self.dropped else ""
        return f"m{self.message}{self.status}{flag}"

    @classmethod
    def parse(cls, code: str) -> Token:
        body, _, flag = code.partition("-")
        digits = body[1:len(body) - len(body[1:].lstrip("0123456789"))]
        status = body[1 + len(digits):]
        if not body.startswith("m") or not digits or status not in {s.value for s in Status} \
                or flag not in ("", "early", "dropped"):
            raise ValueError(f"{code!r} is not an ordering step such as m1sent, m2read-dropped or m1sent-early")
        return cls(int(digits), status, early=flag == "early", dropped=flag == "dropped")


@dataclass(frozen=True, slots=True)
class Order:
    """A delivery order: early deliveries, then the rest in order, then the copies dropped.

    Its ``id`` (tokens joined by ``_``) is what ``--wa-ordering`` takes back.

    >>> order = Order.parse("m1sent_m1read_m1delivered")
    >>> order.id, order.describe()
    ('m1sent_m1read_m1delivered', 'm1: sent, read, delivered')
    """

    tokens: tuple[Token, ...]

    @property
    def id(self) -> str:
        return "_".join(token.code for token in self.tokens) or "none"

    @classmethod
    def parse(cls, text: str) -> Order:
        if text == "none":
            return cls(())
        return cls(tuple(Token.parse(code) for code in text.split("_")))

    def early(self, message: int) -> list[Token]:
        return [t for t in self.tokens if t.early and t.message == message]

    def describe(self) -> str:
        per: dict[int, list[str]] = {}
        for token in self.tokens:
            flag = " (early)" if token.early else " (dropped)" if token.dropped else ""
            per.setdefault(token.message, []).append(token.status + flag)
        return "; ".join(f"m{n}: {', '.join(steps)}" for n, steps in sorted(per.items())) or "no webhooks"


@dataclass(frozen=True, slots=True)
class _Variant:
    """How one family of orders bends the webhooks held: one copy more, one less, or early."""

    extra: tuple[Key, ...] = ()
    dropped: tuple[Key, ...] = ()
    early: tuple[Key, ...] = ()

    def counts(self, held: dict[Key, int]) -> dict[Key, int] | None:
        """Copies of each event left to order after the variant (None: the variant does not fit)."""
        counts = dict(held)
        for key in self.extra:
            counts[key] += 1
        for key in (*self.dropped, *self.early):
            if counts[key] < 1:
                return None
            counts[key] -= 1
        return counts

    def orders(self, counts: dict[Key, int]) -> Iterator[Order]:
        head = tuple(Token(*key, early=True) for key in self.early)
        tail = tuple(Token(*key, dropped=True) for key in self.dropped)
        for middle in _multiset_permutations(list(counts.items())):
            yield Order(head + tuple(Token(*key) for key in middle) + tail)


def _multiset_permutations(items: list[tuple[Key, int]]) -> Iterator[tuple[Key, ...]]:
    """Every distinct arrangement of a multiset (each key ``count`` times), keys' first order first."""
    total = sum(count for _, count in items)
    counts = [count for _, count in items]
    keys = [key for key, _ in items]
    path: list[Key] = []

    def walk() -> Iterator[tuple[Key, ...]]:
        if len(path) == total:
            yield tuple(path)
            return
        for index, key in enumerate(keys):
            if counts[index]:
                counts[index] -= 1
                path.append(key)
                yield from walk()
                path.pop()
                counts[index] += 1

    return walk()


def _arrangements(counts: dict[Key, int]) -> int:
    """How many distinct orders a multiset has: n! / (c1! c2! ...)."""
    total = math.factorial(sum(counts.values()))
    for count in counts.values():
        total //= math.factorial(count)
    return total


@dataclass(frozen=True, slots=True)
class Space:
    """What to explore: how many copies may be added or dropped, and whether early ``sent`` counts."""

    duplicates: int = 1
    drops: int = 1
    early: bool = True

    def variants(self, held: dict[Key, int]) -> list[_Variant]:
        keys = list(held)
        earlies = [k for k in keys if k[1] == EARLY_STATUS.value] if self.early else []
        found = []
        # One early message per order at most: that is the race, and with more the families grow
        # as 2^messages for no new kind of order.
        for n_early in range(min(1, len(earlies)) + 1):
            for early in combinations(earlies, n_early):
                for n_extra in range(min(self.duplicates, len(keys)) + 1):
                    for extra in combinations(keys, n_extra):
                        rest = [k for k in keys if k not in extra]
                        for n_drop in range(min(self.drops, len(rest)) + 1):
                            for dropped in combinations(rest, n_drop):
                                found.append(_Variant(extra, dropped, early))
        return found


def explore_orders(held: dict[Key, int], space: Space, *, max_runs: int, seed: int) -> tuple[list[Order], int]:
    """The orders to run (the plain one first) and how many distinct orders there are in all.

    >>> orders, total = explore_orders({(1, "sent"): 1, (1, "read"): 1}, Space(0, 0, False), max_runs=10, seed=0)
    >>> [o.id for o in orders], total
    (['m1sent_m1read', 'm1read_m1sent'], 2)
    """
    families = [(v, c) for v in space.variants(held) if (c := v.counts(held)) is not None]
    total = sum(_arrangements(counts) for _, counts in families)
    if total <= max_runs:
        return [order for variant, counts in families for order in variant.orders(counts)], total
    plain = next(families[0][0].orders(families[0][1]))
    chosen: dict[str, Order] = {plain.id: plain}
    rng = random.Random(seed)
    weights = [_arrangements(counts) for _, counts in families]
    for _ in range(max_runs * 50):
        if len(chosen) >= max_runs:
            break
        variant, counts = rng.choices(families, weights)[0]
        middle = [key for key, count in counts.items() for _ in range(count)]
        rng.shuffle(middle)
        order = Order(tuple(Token(*k, early=True) for k in variant.early) + tuple(Token(*k) for k in middle)
                      + tuple(Token(*k, dropped=True) for k in variant.dropped))
        chosen.setdefault(order.id, order)
    return list(chosen.values()), total


# -- holding the webhooks --------------------------------------------------------------------


@dataclass(slots=True)
class _Held:
    delivery: Delivery
    call: dict[str, Any]  # the dispatcher.send arguments, to make another copy of the same event
    status: str  # the core status that raised it


class Capture:
    """Holds every status webhook of an emulator until ``release()`` (provider-neutral).

    It wraps the world's dispatcher ``send`` (a status webhook is recorded, in state ``held``,
    instead of being scheduled) and ``World.send`` (to number the messages in the order sent).
    Other webhooks (inbound messages, test events) go out as usual.
    """

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator
        world = emulator.world
        self.sent: list[Message] = []
        self.held: dict[Key, list[_Held]] = {}
        self._number: dict[str, int] = {}
        dispatcher = world.dispatcher
        self._send = dispatcher.send
        dispatcher.send = self._hold  # type: ignore[method-assign]
        world_send = world.send

        def numbered(message: Message) -> Message:
            self._number[message.id] = len(self.sent) + 1
            self.sent.append(message)
            return world_send(message)

        world.send = numbered  # type: ignore[method-assign]

    def clear(self) -> None:
        self.sent.clear()
        self.held.clear()
        self._number.clear()

    def _hold(self, **call: Any) -> list[Delivery]:
        message_id, status = call.get("message_id"), call.get("status")
        number = self._number.get(message_id or "")
        message = self.emulator.world.store.get(message_id or "")
        if number is None or status is None or message is None:
            return self._send(**call)
        directive: WebhookDirective = call.get("directive") or WebhookDirective()
        if directive.drop:
            return self._send(**call)  # the scenario itself loses it: nothing to order
        deliveries = self._send(**{**call, "directive": WebhookDirective(
            duplicate=directive.duplicate, drop=True, fail_attempts=directive.fail_attempts)})
        key = (number, message.status.value)  # the listener runs inside the transition: this is the new status
        for delivery in deliveries:
            if delivery.state == DROPPED:  # not INVALID (strict mode refused the body): that one stays refused
                delivery.state = HELD
                self.held.setdefault(key, []).append(_Held(delivery, call, key[1]))
        return deliveries

    def counts(self) -> dict[Key, int]:
        return {key: len(copies) for key, copies in self.held.items()}

    def waiting(self, key: Key) -> _Held | None:
        return next((h for h in self.held.get(key, []) if h.delivery.state == HELD), None)

    def copy_of(self, key: Key) -> _Held:
        """Another copy of a held event: the same body and event id, as a provider's duplicate is."""
        first = self.held[key][0]
        call = {**first.call, "event_id": first.delivery.event_id,
                "directive": WebhookDirective(drop=True)}
        (delivery,) = self._send(**call)
        delivery.state = HELD
        delivery.copy = len(self.held[key])
        extra = _Held(delivery, first.call, first.status)
        self.held[key].append(extra)
        return extra

    async def release(self, held: _Held) -> Delivery:
        """Deliver one held webhook now and wait for the receiver's answer (or the retry it leads to)."""
        dispatcher = self.emulator.world.dispatcher
        dispatcher.retry_now(held.delivery)
        await self.emulator.world.clock.settle()
        return held.delivery

    def drop(self, held: _Held) -> None:
        held.delivery.state = DROPPED


# -- one run ---------------------------------------------------------------------------------


class OrderingRun:
    """One run of a test body: its ``emulator`` (reset, manual clock), its ``order`` and ``deliver()``."""

    def __init__(self, orderings: Orderings, emulator: Emulator, capture: Capture, order: Order | None,
                 number: int, total: int | None) -> None:
        self.orderings = orderings
        self.emulator = emulator
        self.capture = capture
        self.order = order  # None in the first run until deliver() has seen the webhooks
        self.number = number
        self.total = total
        self.delivered = False
        self.events: list[Event] = []

    @property
    def id(self) -> str:
        """The order's id (what ``--wa-ordering`` takes)."""
        return self.order.id if self.order is not None else "plain"

    def message_id(self, number: int) -> str:
        """The id of the ``number``-th message sent (1-based), as this run's emulator gave it."""
        return self.capture.sent[number - 1].id

    async def deliver(self, until: float | None = None) -> Order:
        """Run the clock until every status has happened, then deliver the held webhooks in this
        run's order (each one answered before the next goes). Returns the order used.

        ``until``: how far to run the clock at most (emulated seconds; default 31 days).
        """
        if self.delivered:
            raise RuntimeError("deliver() runs once per run: send everything first, then deliver")
        self.delivered = True
        clock = self.emulator.world.clock
        end = clock.now() + (LONGEST if until is None else until)
        while (due := clock.next_due()) is not None and due <= end:
            await clock.advance(max(due - clock.now(), 0.0))
        capture = self.capture
        if self.order is None:  # the first run: the plain order of what was held, and every other
            self.orderings.plan(capture.counts())
            self.order = self.orderings.orders[0]
        for token in self.order.tokens:
            if token.early:
                continue  # delivered while its send call was in flight (see early())
            held = capture.waiting(token.key)
            if held is None:
                if token.key not in capture.held:
                    raise OrderMismatch(f"the order has {token.code} but the test sent no such webhook "
                                        f"(it sent {_listing(capture)})")
                held = capture.copy_of(token.key)
            if token.dropped:
                capture.drop(held)
                self._record(token, held)
            else:
                self._record(token, held)
                await capture.release(held)
        left = [h for copies in capture.held.values() for h in copies if h.delivery.state == HELD]
        if left:
            raise OrderMismatch(f"the order {self.order.id} leaves webhooks of this test out: "
                                + ", ".join(f"m{self._number_of(h)}{h.status}" for h in left))
        return self.order

    async def early(self, number: int) -> None:
        """Called by the harness while message ``number``'s send call is in flight: run its clock
        on until its ``sent`` webhook exists and deliver it before the call answers."""
        if self.order is None:
            return
        capture = self.capture
        clock = self.emulator.world.clock
        for token in self.order.early(number):
            while capture.waiting(token.key) is None and (due := clock.next_due()) is not None:
                await clock.advance(max(due - clock.now(), 0.0))
            held = capture.waiting(token.key)
            if held is None:
                raise OrderMismatch(f"the order has {token.code} but message {number} never got that status")
            self._record(token, held)
            await capture.release(held)

    def _number_of(self, held: _Held) -> int:
        return next(n for (n, _), copies in self.capture.held.items() if held in copies)

    def _record(self, token: Token, held: _Held) -> None:
        self.events.append(Event(self.message_id(token.message), token.status, copy=held.delivery.copy,
                                 drop=token.dropped, early=token.early))

    def refused(self) -> list[Delivery]:
        """The status webhooks the receiver refused at least once (a 5xx, a timeout, a refused
        connection), even when a retry later got through."""
        return [h.delivery for h in self._refused()]

    def _refused(self) -> list[_Held]:
        return [h for copies in self.capture.held.values() for h in copies
                if any(a.status_code is None or not h.delivery.policy.accept(a.status_code)
                       for a in h.delivery.attempts)]

    def assert_accepted(self) -> None:
        """Fail, naming each one, if the receiver refused any status webhook of this run."""
        refused = self._refused()
        if refused:
            raise AssertionError("the receiver refused: " + "; ".join(
                f"m{self._number_of(h)} {h.status} ({h.delivery.message_id}), answered {_refusal(h.delivery)}"
                for h in refused))

    def schedule(self) -> Schedule:
        """This run as a ``Schedule``: the messages with what really happened to them, and the deliveries."""
        sent = tuple(
            SentMessage(m.id, m.to, tuple(StatusStep(change.status.value, change.at - m.created_at,
                                                     m.error if change.status is Status.FAILED else None)
                                          for change in m.history if change.status is not Status.QUEUED),
                        type=m.type, template=m.template)
            for m in self.capture.sent)
        provider = self.capture.sent[0].provider if self.capture.sent else "none"
        ordered = sorted(self.events, key=lambda e: (not e.early, e.drop))
        return Schedule(provider, sent, tuple(ordered), seed=self.emulator.settings.seed,
                        name=f"ordering-{self.number}")


class OrderMismatch(RuntimeError):
    """An order given with ``--wa-ordering`` does not fit the webhooks this test sends."""


class OrderingsFailed(AssertionError):
    """One order made the test body fail; the message shows it and how to run it alone."""


def _refusal(delivery: Delivery) -> str:
    first = next(a for a in delivery.attempts if a.status_code is None or not delivery.policy.accept(a.status_code))
    return str(first.status_code or first.error)


def _listing(capture: Capture) -> str:
    return ", ".join(f"m{n}{status} x{len(copies)}" for (n, status), copies in capture.held.items()) or "none"


# -- the fixture's object --------------------------------------------------------------------

Body = Callable[[OrderingRun], Awaitable[None]]


@dataclass(repr=False)
class Orderings:
    """What the ``wa_orderings`` fixture gives a test: ``await explore(body)``.

    ``runs`` lists the order ids run so far, ``total`` how many distinct orders there are.
    """

    settings: Settings
    space: Space = field(default_factory=Space)
    max_runs: int = 200
    seed: int = 0
    only: str | None = None  # an order id from --wa-ordering
    nodeid: str = ""
    stop_at_first: bool = True
    orders: list[Order] = field(default_factory=list)
    total: int | None = None
    runs: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    _first_error: BaseException | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        total = "?" if self.total is None else self.total
        return (f"<Orderings: {len(self.runs)} run(s) of {total} distinct orders, max_runs={self.max_runs}, "
                f"seed={self.seed}>")

    def plan(self, held: dict[Key, int]) -> None:
        """Called by the first run's ``deliver()``: list the orders from what the test sent."""
        self.orders, self.total = explore_orders(held, self.space, max_runs=self.max_runs, seed=self.seed)

    async def explore(self, body: Body) -> list[str]:
        """Run ``body`` once per order; the first failing order fails the test. Returns the order ids run.

        Each run gets a fresh world (the emulator reset, same seed, so the same ids), a manual
        clock, and every status webhook held until ``run.deliver()``.
        """
        __tracebackhide__ = True  # the failure is the order's, not this loop's
        emulator = Emulator(self.settings)
        capture = Capture(emulator)
        current: list[OrderingRun] = []

        @web.middleware
        async def early(request: web.Request, handler: Any) -> web.StreamResponse:
            before = len(capture.sent)
            response = await handler(request)
            for number in range(before + 1, len(capture.sent) + 1):
                await current[0].early(number)  # before the send call answers
            return response

        emulator.app.middlewares.append(early)
        async with emulator:
            if self.only is not None:
                self.orders, self.total = [Order.parse(self.only)], None
                await self._run(body, emulator, capture, current, self.orders[0], 1)
            else:
                await self._run(body, emulator, capture, current, None, 1)
                for number, order in enumerate(self.orders[1:], start=2):
                    if self.failures and self.stop_at_first:
                        break
                    await self._run(body, emulator, capture, current, order, number)
        if self.failures:
            raise OrderingsFailed("\n\n".join(self.failures)) from self._first_error
        return self.runs

    async def _run(self, body: Body, emulator: Emulator, capture: Capture, current: list[OrderingRun],
                   order: Order | None, number: int) -> None:
        if number > 1 or self.only is not None:
            await emulator.reset_world()
        capture.clear()
        run = OrderingRun(self, emulator, capture, order, number, self.total)
        current[:] = [run]
        try:
            await body(run)
            if not run.delivered:
                raise RuntimeError("the test body never called `await run.deliver()`: no order was tried")
        except OrderMismatch:
            raise
        except Exception as exc:  # any failure of the body is that order's failure
            self.failures.append(self._report(run, exc))
            self._first_error = self._first_error or exc
        finally:
            self.runs.append(run.id)
            await emulator.world.clock.settle()
            collect_active(emulator)  # --wa-coverage counts every order's calls, before the next reset

    def _report(self, run: OrderingRun, exc: BaseException) -> str:
        total = f" of {len(self.orders)}" if self.only is None and self.orders else ""
        if self.total is not None and self.total > len(self.orders):
            total += f" (sampled from {self.total} with seed {self.seed})"
        order = run.order.describe() if run.order is not None else "plain (failed before deliver())"
        lines = [
            f"ordering {run.number}{total} failed: {order}",
            f"  messages: {', '.join(f'm{n}={m.id}' for n, m in enumerate(run.capture.sent, 1)) or 'none'}",
            f"  order id: {run.id}",
            f"  run just this one: pytest '{self.nodeid}' --wa-ordering={run.id}",
            f"  {type(exc).__name__}: {exc}",
        ]
        return "\n".join(lines)


def options_of(kwargs: dict[str, Any], *, seed: int | None) -> tuple[Space, int, int, bool]:
    """The marker's options: ``(space, max_runs, seed, stop_at_first)``; unknown ones raise ValueError."""
    known = {"max_runs", "seed", "duplicates", "drops", "early", "stop_at_first"}
    unknown = set(kwargs) - known
    if unknown:
        raise ValueError(f"unknown option(s) {', '.join(sorted(unknown))}; use {', '.join(sorted(known))}")
    space = Space(int(kwargs.get("duplicates", 1)), int(kwargs.get("drops", 1)), bool(kwargs.get("early", True)))
    max_runs = int(kwargs.get("max_runs", 200))
    if max_runs < 1 or space.duplicates < 0 or space.drops < 0:
        raise ValueError("max_runs must be 1 or more, duplicates and drops 0 or more")
    return space, max_runs, int(kwargs.get("seed", 0 if seed is None else seed)), bool(kwargs.get("stop_at_first",
                                                                                                  True))


def orderings_for(settings: Settings, kwargs: dict[str, Any], only: str | None, nodeid: str) -> Orderings:
    """The ``Orderings`` a test's marker asks for (the fixture calls this)."""
    space, max_runs, seed, stop = options_of(kwargs, seed=settings.seed)
    if only is not None:
        Order.parse(only)  # a bad id is refused here, in one line
    # Ids must repeat from run to run, so the order's message numbers name the same messages.
    fixed = settings if settings.seed is not None else settings.with_(seed=seed)
    return Orderings(fixed, space, max_runs, seed, only, nodeid, stop)
