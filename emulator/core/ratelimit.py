"""Fixed-window request counting on the emulated clock.

A window is aligned to multiples of its length since the epoch, so every
client sees the same reset times, and advancing the clock past a reset frees
the budget without waiting.
"""

from __future__ import annotations

import math
from typing import NamedTuple


class Decision(NamedTuple):
    """What one hit got (a named tuple: every request makes one, and a frozen dataclass costs 3x)."""

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
