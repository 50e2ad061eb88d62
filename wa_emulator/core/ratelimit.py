"""Fixed-window request counting on the emulated clock.

A window is aligned to multiples of its length since the epoch, so every
client sees the same reset times, and advancing the clock past a reset frees
the budget without waiting.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Decision(NamedTuple):
    """What one hit got (a named tuple rather than a frozen dataclass: every request makes one)."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # emulated epoch seconds when the window ends

    def retry_after(self, now: float) -> int:
        """Whole seconds until the window resets (at least 1)."""
        return max(1, math.ceil(self.reset_at - now))


class FixedWindow:
    """Counts hits per key in fixed windows of ``window`` seconds.

    >>> limiter = FixedWindow(window=60)
    >>> [limiter.hit("k", now=5.0, limit=2).allowed for _ in range(3)]
    [True, True, False]
    >>> limiter.hit("k", now=60.0, limit=2).remaining
    1
    """

    def __init__(self, window: float) -> None:
        self.window = window
        self._counts: dict[str, tuple[float, int]] = {}

    def hit(self, key: str, *, now: float, limit: int) -> Decision:
        """Count one request for ``key``; say whether it is within ``limit``."""
        start = math.floor(now / self.window) * self.window
        window_start, used = self._counts.get(key, (start, 0))
        if window_start != start:
            used = 0
        reset_at = start + self.window
        if used >= limit:
            self._counts[key] = (start, used)
            return Decision(False, limit, 0, reset_at)
        used += 1
        self._counts[key] = (start, used)
        return Decision(True, limit, limit - used, reset_at)

    def peek(self, key: str, *, now: float, limit: int) -> Decision:
        """The budget left for ``key`` without counting a request."""
        start = math.floor(now / self.window) * self.window
        window_start, used = self._counts.get(key, (start, 0))
        used = used if window_start == start else 0
        return Decision(used < limit, limit, max(0, limit - used), start + self.window)


class FixedWindows:
    """Several fixed windows counted together: a request counts in every one, or in none if one is full.

    What a per-minute limit with a per-second burst needs: ``hit()`` answers with the first full
    window's Decision (refused, nothing counted) or, allowed, with the first window's.

    >>> limiter = FixedWindows(60.0, 1.0)
    >>> [limiter.hit("k", now=5.0, limits=(3, 2)).remaining for _ in range(2)]
    [2, 1]
    >>> limiter.hit("k", now=5.5, limits=(3, 2))  # the burst window is full: refused, not counted
    Decision(allowed=False, limit=2, remaining=0, reset_at=6.0)
    >>> limiter.hit("k", now=6.0, limits=(3, 2)).remaining  # a new second; the minute has one left
    0
    """

    def __init__(self, *windows: float) -> None:
        self.windows = windows
        # Per key: each window's start and the requests counted in it, updated in place.
        self._counts: dict[str, tuple[list[float], list[int]]] = {}

    def hit(self, key: str, *, now: float, limits: tuple[int, ...]) -> Decision:
        """Count one request for ``key`` in every window if each is within its limit (``limits`` in window order)."""
        state = self._counts.get(key)
        if state is None:
            # NaN equals no window start, so each window starts afresh.
            state = self._counts[key] = ([math.nan] * len(self.windows), [0] * len(self.windows))
        starts, used = state
        floor = math.floor
        for index, window in enumerate(self.windows):
            start = floor(now / window) * window
            if starts[index] != start:  # a new window: nothing counted in it yet
                starts[index], used[index] = start, 0
            limit = limits[index]
            if used[index] >= limit:
                return Decision(False, limit, max(0, limit - used[index]), start + window)
        for index in range(len(used)):
            used[index] += 1
        return Decision(True, limits[0], limits[0] - used[0], starts[0] + self.windows[0])
