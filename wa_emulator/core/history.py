"""A message's status history, and the one place that knows how it is stored.

A store may hold a million messages, most of them waiting for their first step, so the steps
are kept packed: a message still in its first status holds that lone ``Status`` (its time is
the history's start), any other a flat ``(status, at, status, at, …)`` tuple. Everything
outside this module reads the history through :class:`History`'s methods, as
:class:`StatusChange` steps or answers to "when did it reach this status?".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .status import Status


@dataclass(slots=True)
class StatusChange:
    """One step of a message's history: the status it reached and when."""

    status: Status
    at: float


class History:
    """The steps a message went through, oldest first.

    >>> history = History(5.0)
    >>> history.record(Status.QUEUED, 5.0); history.record(Status.SENT, 6.0)
    >>> [(step.status.value, step.at) for step in history], history.reached(Status.SENT), history.last_at
    ([('queued', 5.0), ('sent', 6.0)], 6.0, 6.0)
    """

    __slots__ = ("_start", "_steps")

    def __init__(self, start: float, steps: Iterable[StatusChange] = ()) -> None:
        self._start = start
        self._steps: Status | tuple[Status | float, ...] = ()
        for step in steps:
            self.record(step.status, step.at)

    def record(self, status: Status, at: float) -> None:
        """Add a step."""
        steps = self._steps
        if isinstance(steps, Status):
            self._steps = (steps, self._start, status, at)
        elif not steps and at == self._start:
            self._steps = status
        else:
            self._steps = (*steps, status, at)

    def reached(self, status: Status) -> float | None:
        """When the message first reached ``status``, or None if it never did."""
        steps = self._steps
        if isinstance(steps, Status):
            return self._start if steps is status else None
        for index in range(0, len(steps), 2):
            if steps[index] is status:
                return steps[index + 1]  # type: ignore[return-value]
        return None

    def reached_times(self) -> dict[Status, float]:
        """When the message first reached each status it has been in: ``reached()`` for all at once.

        >>> history = History(5.0, [StatusChange(Status.QUEUED, 5.0), StatusChange(Status.SENT, 6.0)])
        >>> {status.value: at for status, at in history.reached_times().items()}
        {'sent': 6.0, 'queued': 5.0}
        """
        steps = self._steps
        if isinstance(steps, Status):
            return {steps: self._start}
        times: dict[Status, float] = {}
        # Newest first, so an earlier step of a repeated status overwrites a later one, as reached() finds it.
        for index in range(len(steps) - 2, -1, -2):
            times[steps[index]] = steps[index + 1]  # type: ignore[index,assignment]
        return times

    @property
    def last_at(self) -> float:
        """When the newest step happened (the start, while there is none or one)."""
        steps = self._steps
        return steps[-1] if isinstance(steps, tuple) and steps else self._start  # type: ignore[return-value]

    def __iter__(self) -> Iterator[StatusChange]:
        steps = self._steps
        if isinstance(steps, Status):
            yield StatusChange(steps, self._start)
            return
        for index in range(0, len(steps), 2):
            yield StatusChange(steps[index], steps[index + 1])  # type: ignore[arg-type]

    def __len__(self) -> int:
        steps = self._steps
        return 1 if isinstance(steps, Status) else len(steps) // 2

    def __getitem__(self, index: int) -> StatusChange:
        return list(self)[index]

    def __repr__(self) -> str:
        return f"History({[(step.status.value, step.at) for step in self]})"
