"""The one source of emulated time, and the timers that run on it.

Three modes:

* ``real``: emulated time runs at wall-clock speed (starting at the wall clock).
* ``scaled``: emulated time runs ``factor`` times faster than the wall clock.
* ``manual``: emulated time is frozen and only moves when ``advance()`` is called.

Emulated time is a float of seconds since the Unix epoch. Nothing else in the
emulator reads the wall clock for emulated time; only webhook signatures use
real time, because receivers compare them against their own clocks.

``advance()`` fires every timer that falls due, in (time, sequence) order, and
after each one waits for the background work it started (webhook deliveries,
say) to finish. That is what makes tests on the manual clock deterministic.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import logging
import math
import re
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

log = logging.getLogger(__name__)

TimerCallback = Callable[[], Awaitable[None] | None]

FIRING_SLICE = 0.002  # real seconds of timer work before letting requests in (real and scaled time)
LATEST = 221845392000.0  # 9000-01-01T00:00:00Z: room for TTLs and retries before datetime's year 9999


class ClockMode(StrEnum):
    REAL = "real"
    SCALED = "scaled"
    MANUAL = "manual"


@dataclass(frozen=True, slots=True)
class ClockSpec:
    """A parsed ``--clock`` value.

    >>> ClockSpec.parse("scaled:60")
    ClockSpec(mode=<ClockMode.SCALED: 'scaled'>, factor=60.0)
    """

    mode: ClockMode = ClockMode.MANUAL
    factor: float = 1.0

    @classmethod
    def parse(cls, text: str) -> ClockSpec:
        """Parse ``real``, ``manual`` or ``scaled:FACTOR``; raise ValueError otherwise."""
        match = re.fullmatch(r"(real|manual)|scaled:(\d+(?:\.\d+)?)", text.strip())
        if not match:
            raise ValueError(f"clock must be real, manual or scaled:FACTOR (got {text!r})")
        if match.group(1):
            return cls(ClockMode(match.group(1)))
        factor = float(match.group(2))
        if factor <= 0:
            raise ValueError(f"scaled clock factor must be positive (got {factor})")
        return cls(ClockMode.SCALED, factor)

    def __str__(self) -> str:
        return f"scaled:{self.factor:g}" if self.mode is ClockMode.SCALED else self.mode.value


MANUAL_CLOCK = ClockSpec(ClockMode.MANUAL)
REAL_CLOCK = ClockSpec(ClockMode.REAL)


class Timer:
    """A callback due at an emulated time; ``cancel()`` stops it from firing.

    >>> timer = Timer(5.0, print, "greet")
    >>> timer.when, timer.label, timer.cancelled
    (5.0, 'greet', False)
    """

    __slots__ = ("callback", "cancelled", "label", "when")

    def __init__(self, when: float, callback: TimerCallback, label: str = "") -> None:
        self.when = when
        self.callback = callback
        self.label = label
        self.cancelled = False

    def cancel(self) -> None:
        """Stop the timer from firing (the clock drops it when it reaches the head of the queue)."""
        self.cancelled = True

    def __repr__(self) -> str:
        return f"<Timer {self.label or self.callback!r} at {self.when}>"


# A heap entry: the timer's due time and sequence number come first so entries compare by
# (when, seq) in C; seq is unique, so two timers are never compared.
_Entry = tuple[float, int, Timer]


class Clock:
    """Emulated time, timers and tracked background work.

    >>> clock = Clock(ClockSpec(ClockMode.MANUAL), start=1_700_000_000.0)
    >>> clock.now()
    1700000000.0
    """

    def __init__(
        self,
        spec: ClockSpec = MANUAL_CLOCK,
        *,
        start: float | None = None,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._wall = wall
        self._monotonic = monotonic
        self._configured_start = start
        self._spec = spec
        self._rate = self._rate_of(spec)
        self._timers: list[_Entry] = []
        self._seq = itertools.count()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._fire_lock: asyncio.Lock | None = None
        self._wakeup: asyncio.Event | None = None
        self._runner: asyncio.Task[None] | None = None
        self._anchor(start if start is not None else self._default_start())
        self.start_time = self._anchor_emulated

    # -- reading time -----------------------------------------------------------

    @property
    def mode(self) -> ClockMode:
        return self._spec.mode

    @property
    def spec(self) -> ClockSpec:
        return self._spec

    @property
    def rate(self) -> float:
        """Emulated seconds per real second (0 when manual)."""
        return self._rate

    @staticmethod
    def _rate_of(spec: ClockSpec) -> float:
        if spec.mode is ClockMode.MANUAL:
            return 0.0
        return spec.factor if spec.mode is ClockMode.SCALED else 1.0

    def now(self) -> float:
        """Current emulated time in seconds since the epoch."""
        # Read several times per request: the rate is worked out once per mode change, not here.
        return self._anchor_emulated + (self._monotonic() - self._anchor_monotonic) * self._rate

    def wall(self) -> float:
        """Real wall-clock time: only for things a receiver checks against its own clock."""
        return self._wall()

    def _default_start(self) -> float:
        # A frozen clock starts on a whole second so printed times are tidy; a running one
        # starts exactly at the wall clock so "real" really is real.
        now = self._wall()
        return float(int(now)) if self._spec.mode is ClockMode.MANUAL else now

    def _anchor(self, emulated: float) -> None:
        self._anchor_emulated = emulated
        self._anchor_monotonic = self._monotonic()

    # -- changing time ------------------------------------------------------------

    def set_mode(self, spec: ClockSpec) -> None:
        """Switch mode without a jump: emulated time continues from where it is."""
        self._anchor(self.now())
        self._spec = spec
        self._rate = self._rate_of(spec)
        self._poke()

    def reset(self) -> None:
        """Cancel every timer and go back to the start time."""
        for _, _, timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._configured_start is None and self._spec.mode is not ClockMode.MANUAL:
            self.start_time = self._default_start()
        self._anchor(self.start_time)
        self._poke()

    def restart_at(self, start: float | None) -> None:
        """Make ``start`` the time ``reset()`` returns to (None: the wall clock) and go there now.

        A scenario's ``clock.start`` uses this; call it on a reset clock, as timers are not moved.
        """
        self._configured_start = start
        self.start_time = start if start is not None else self._default_start()
        self._anchor(self.start_time)
        self._poke()

    async def advance(self, seconds: float) -> float:
        """Move emulated time forward, firing due timers in order; return the new time.

        Each timer's callback, and any work it started with ``spawn()``, has
        finished before the next timer fires and before this returns.
        """
        if seconds < 0:
            raise ValueError("the clock only moves forward")
        target = self.now() + seconds
        if not math.isfinite(target) or target > LATEST:
            # Past year 9999 no time can be printed, and every later request would fail.
            raise ValueError("the emulated clock cannot go past the year 9000")
        await self.settle()
        await self._fire_due(target, settle_between=True)
        self._anchor(max(target, self.now()))
        self._poke()
        return self.now()

    # -- timers -------------------------------------------------------------------

    def call_at(self, when: float, callback: TimerCallback, *, label: str = "", seq: int | None = None) -> Timer:
        """Run ``callback`` when emulated time reaches ``when``.

        ``seq`` (from ``reserve()``) orders it among timers due at the same moment as if it had
        been scheduled when the number was reserved.

        >>> clock = Clock()
        >>> clock.call_at(clock.now() + 1, print, label="greet", seq=clock.reserve(1)).label, clock.pending()
        ('greet', 1)
        """
        timer = Timer(when, callback, label)
        timers = self._timers
        heapq.heappush(timers, (when, next(self._seq) if seq is None else seq, timer))
        if timers[0][2] is timer:
            self._poke()
        return timer

    def call_later(self, delay: float, callback: TimerCallback, *, label: str = "") -> Timer:
        """Run ``callback`` after ``delay`` emulated seconds."""
        return self.call_at(self.now() + max(delay, 0.0), callback, label=label)

    def reserve(self, count: int) -> int:
        """Reserve ``count`` consecutive timer sequence numbers now; returns the first.

        A caller that schedules a chain of timers one at a time passes them to ``call_at(seq=)``
        so ties fire in the same order as if the whole chain had been scheduled up front.

        >>> clock = Clock()
        >>> first = clock.reserve(3)
        >>> clock.reserve(1) == first + 3
        True
        """
        first = next(self._seq)
        if count > 1:
            self._seq = itertools.count(first + count)
        return first

    def pending(self) -> int:
        """How many timers are still waiting to fire."""
        return sum(1 for _, _, timer in self._timers if not timer.cancelled)

    def next_due(self) -> float | None:
        """When the earliest timer still waiting is due, or None if none is."""
        self._drop_cancelled()
        return self._timers[0][0] if self._timers else None

    def _drop_cancelled(self) -> None:
        timers = self._timers
        while timers and timers[0][2].cancelled:
            heapq.heappop(timers)

    async def _fire_due(self, until: float, *, settle_between: bool) -> None:
        timers = self._timers
        async with self._lock():
            slice_ends = time.perf_counter() + FIRING_SLICE
            while True:
                self._drop_cancelled()
                if not timers or timers[0][0] > until:
                    return
                when, _, timer = heapq.heappop(timers)
                if self._rate == 0.0:
                    # On a frozen clock time steps to each timer. now() is then the emulated anchor
                    # itself (the monotonic part is multiplied by zero), so only the anchor moves.
                    if when > self._anchor_emulated:
                        self._anchor_emulated = when
                elif when > self.now():
                    # Jumping ahead: time steps to the timer.
                    self._anchor(max(when, self.now()))
                pending = self._call(timer)
                if pending is not None:
                    await self._finish(timer, pending)
                if settle_between:
                    if self._tasks:
                        await self.settle()
                elif time.perf_counter() >= slice_ends:
                    # In real time thousands of timers can fall due together (a burst of sends a
                    # second ago); let waiting requests in between slices so none waits for all.
                    await asyncio.sleep(0)
                    slice_ends = time.perf_counter() + FIRING_SLICE

    def _call(self, timer: Timer) -> Awaitable[Any] | None:
        """Run ``timer``'s callback; return what is left to await (a coroutine callback's work), if any.

        Synchronous, so that a callback with nothing to await (every lifecycle step) never waits
        for the event loop.
        """
        try:
            result = timer.callback()
            if result is not None and inspect.isawaitable(result):
                return result
        except Exception:
            # A broken callback must never stop the clock for everything else.
            log.exception("timer %r failed", timer)
        return None

    async def _finish(self, timer: Timer, pending: Awaitable[Any]) -> None:
        try:
            await pending
        except Exception:
            log.exception("timer %r failed", timer)

    # -- background work ------------------------------------------------------------

    def spawn(self, coro: Coroutine[Any, Any, Any], *, name: str | None = None) -> asyncio.Task[Any]:
        """Start tracked background work; ``advance()`` and ``settle()`` wait for it."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed", task.get_name(), exc_info=task.exception())

    def working(self) -> int:
        """How many tracked background tasks (webhook attempts, say) are running now."""
        return len(self._tasks)

    async def settle(self) -> None:
        """Wait until all tracked background work, including work it starts, is done."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- running in real time ----------------------------------------------------------

    async def start(self) -> None:
        """Start firing timers in real time (a no-op while the clock is manual)."""
        if self._runner is None:
            self._wakeup = asyncio.Event()
            self._runner = asyncio.get_running_loop().create_task(self._run_forever(), name="clock")

    async def stop(self) -> None:
        """Stop the real-time runner and cancel outstanding background work."""
        if self._runner is not None:
            self._runner.cancel()
            await asyncio.gather(self._runner, return_exceptions=True)
            self._runner = None
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def _lock(self) -> asyncio.Lock:
        if self._fire_lock is None:
            self._fire_lock = asyncio.Lock()
        return self._fire_lock

    def _poke(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()

    async def _run_forever(self) -> None:
        wakeup = self._wakeup
        assert wakeup is not None
        loop = asyncio.get_running_loop()
        while True:
            wakeup.clear()
            due = self.next_due()
            if self.rate > 0 and due is not None:
                delay = (due - self.now()) / self.rate
                if delay <= 0:
                    # In real time a slow webhook receiver must not hold up other timers.
                    await self._fire_due(self.now(), settle_between=False)
                    continue
                # A loop timer that sets the event, rather than wait_for(): under a stream of sends
                # the runner wakes thousands of times a second, and wait_for wraps each wait in a task.
                alarm = loop.call_later(delay, wakeup.set)
                try:
                    await wakeup.wait()
                finally:
                    alarm.cancel()
            else:
                await wakeup.wait()
