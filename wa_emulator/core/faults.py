"""Faults injected on chosen provider routes: latency, an error status, a dropped connection.

A fault matches on provider, method and a path pattern (``*`` matches within a
segment, ``**`` across segments) and fires on every call, every Nth call, or
with a seeded probability, optionally a limited number of times.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .ids import IdFactory


@dataclass(slots=True)
class Fault:
    """One fault rule; ``status`` is answered in the provider's own envelope."""

    id: str
    provider: str | None = None
    method: str | None = None
    path: str = "**"
    latency: float = 0.0
    status: int | None = None
    drop: bool = False
    every: int | None = None
    probability: float | None = None
    times: int | None = None
    calls: int = 0
    fired: int = 0
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = compile_path(self.path)

    def matches(self, provider: str, method: str, path: str) -> bool:
        return (
            (self.provider is None or self.provider == provider)
            and (self.method is None or self.method.upper() == method)
            and self._regex.fullmatch(path) is not None
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "provider": self.provider, "method": self.method, "path": self.path,
            "latency": self.latency, "status": self.status, "drop": self.drop, "every": self.every,
            "probability": self.probability, "times": self.times, "calls": self.calls, "fired": self.fired,
        }


def compile_path(pattern: str) -> re.Pattern[str]:
    """``/v1/messages/*`` matches one segment; ``**`` matches anything.

    >>> bool(compile_path("/v1/messages/*").fullmatch("/v1/messages/abc"))
    True
    >>> bool(compile_path("/v1/*").fullmatch("/v1/a/b"))
    False
    """
    parts = re.split(r"(\*\*|\*)", pattern)
    regex = "".join(".*" if p == "**" else "[^/]*" if p == "*" else re.escape(p) for p in parts)
    return re.compile(regex)


class Faults:
    """The faults in force; ``check`` says which one (if any) applies to a call."""

    def __init__(self, ids: IdFactory) -> None:
        self._ids = ids
        self._faults: list[Fault] = []

    def add(self, **spec: Any) -> Fault:
        fault = Fault(id=spec.pop("id", None) or f"flt_{self._ids.hex(12)}", **spec)
        self._faults.append(fault)
        return fault

    def remove(self, fault_id: str) -> bool:
        before = len(self._faults)
        self._faults = [f for f in self._faults if f.id != fault_id]
        return len(self._faults) != before

    def __len__(self) -> int:
        return len(self._faults)

    def clear(self) -> None:
        self._faults.clear()

    def all(self) -> list[Fault]:
        return list(self._faults)

    def check(self, provider: str, method: str, path: str) -> Fault | None:
        """The first matching fault that fires on this call, counting the call."""
        for fault in self._faults:
            if not fault.matches(provider, method, path):
                continue
            if fault.times is not None and fault.fired >= fault.times:
                continue
            fault.calls += 1
            if fault.every is not None and fault.calls % fault.every != 0:
                continue
            if fault.probability is not None and self._ids.random() >= fault.probability:
                continue
            fault.fired += 1
            return fault
        return None
