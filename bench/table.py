"""One row per figure: the emulator's number, the baseline's, their ratio, and the target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Row:
    """A measured figure against its baseline.

    >>> Row("asyncio", "status p99", "ms", 2.0, 1.0, "bare aiohttp", "p99 <= 2x", lambda r: r.ratio <= 2).cells()[4:]
    ['1', 'x2.00', 'p99 <= 2x', 'yes']
    """

    loop: str
    measure: str
    unit: str
    value: float
    baseline: float
    baseline_name: str
    target: str
    met: Callable[[Row], bool]

    @property
    def ratio(self) -> float:
        return self.value / self.baseline if self.baseline else float("inf")

    def cells(self) -> list[str]:
        return [self.loop, self.measure, self.unit, _num(self.value), _num(self.baseline), f"x{self.ratio:.2f}",
                self.target, "yes" if self.met(self) else "NO"]


HEADER = ["loop", "measure", "unit", "emulator", "baseline", "ratio", "target", "met"]


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 1:
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return f"{value:.3f}"


def render(rows: list[Row], baselines: dict[str, str]) -> str:
    """A Markdown table (it reads as well in a terminal as in the README) and the baselines' legend."""
    cells = [HEADER] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(HEADER))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |" for line in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    legend = [f"- {name}: {text}" for name, text in baselines.items()]
    return "\n".join([*lines, "", "Baselines:", *legend])
