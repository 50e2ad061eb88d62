"""The reliability figures: ``python -m bench.reliability [--seconds 300] [--write docs/reliability.md]``.

Runs the soak (``bench/soakengine.py``: sends, polls and inbound messages on every provider, the clock
running 20 times real time, webhooks to a receiver that fails or stalls 30 % of the time) while sampling
the process's RSS, then the bad-input corpus (``tests/badinput/corpus.py``) against every route, and
prints (or writes) one markdown table. Exit code 1 if a webhook was lost, an invariant broke or the
corpus got a 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from wa_emulator.core.webhooks import DELIVERED, EXHAUSTED
from wa_emulator.core.world import World

from .soakengine import SoakReport, run_soak

JOURNAL_CAP, DELIVERY_CAP, MESSAGE_CAP = 2_000, 1_000, 5_000
# Senders and pollers per provider. Load, emulator and receiver share one process: with many more,
# sends outrun the receiver, a backlog of attempts builds up and the final flush works through it
# one timer at a time, which measures the backlog rather than the emulator.
WORKERS = 2
ROOT = Path(__file__).resolve().parent.parent
SAMPLE_EVERY = 0.25  # seconds between RSS samples


def rss_mib() -> float:
    """This process's resident set size in MiB (Linux).

    >>> rss_mib() > 0
    True
    """
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Memory:
    """RSS seen during the soak: at the start, when journal, delivery log and message store first were full,
    and the peak of each half of the run (equal halves mean the peak does not grow with the run's length)."""

    start: float = 0.0
    at_caps: float | None = None
    samples: list[float] = field(default_factory=list)

    async def watch(self, world: World) -> None:
        while True:
            rss = rss_mib()
            self.samples.append(rss)
            full = (len(world.journal) >= world.journal.cap and len(world.store) >= world.store.cap
                    and len(world.dispatcher.deliveries()) >= world.dispatcher.cap)
            if self.at_caps is None and full:
                self.at_caps = rss
            await asyncio.sleep(SAMPLE_EVERY)

    def halves(self) -> tuple[float, float]:
        middle = len(self.samples) // 2
        first, second = self.samples[:middle] or [self.start], self.samples[middle:] or [self.start]
        return max(first), max(second)


async def corpus_counts() -> Counter[str]:
    """The bad-input corpus's answers by class, from ``python -m tests.badinput.tally`` (the corpus
    belongs to the tests, which the benchmarks do not import); empty without a checkout's tests."""
    process = await asyncio.create_subprocess_exec(sys.executable, "-m", "tests.badinput.tally",
                                                   stdout=asyncio.subprocess.PIPE, cwd=ROOT)
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError("python -m tests.badinput.tally failed")
    return Counter(json.loads(out))


@dataclass
class Figures:
    soak: SoakReport
    memory: Memory
    corpus: Counter[str]
    seconds: float  # of load asked for; the soak's own figure adds the final flush

    @property
    def lost(self) -> int:
        """Status events that ended neither delivered nor exhausted."""
        finished = self.soak.tally.deliveries_finished
        return self.soak.tally.events - finished[DELIVERED] - finished[EXHAUSTED]

    def broken(self) -> list[str]:
        problems = list(self.soak.broken())
        if self.lost:
            problems.append(f"{self.lost} webhook events lost")
        if self.corpus["5xx"]:
            problems.append(f"{self.corpus['5xx']} bad-input probes answered 5xx")
        return problems

    def markdown(self, day: datetime.date) -> str:
        t, m = self.soak.tally, self.memory
        first, second = m.halves()
        caps = "not reached" if m.at_caps is None else f"{m.at_caps:.1f}"
        rows = [
            ("Load / total wall time, with the final flush (s)", f"{self.seconds:g} / {self.soak.seconds:.0f}"),
            ("API calls: sends / polls / inbound", f"{t.sends} / {t.polls} / {t.inbound}"),
            ("Webhook events produced", t.events),
            ("Delivered", t.deliveries_finished[DELIVERED]),
            ("Retried (more than one attempt)", t.retried),
            ("Exhausted (every attempt failed)", t.deliveries_finished[EXHAUSTED]),
            ("Lost", self.lost),
            ("Receiver answers 2xx / 500 / stalled",
             " / ".join(str(self.soak.answers[k]) for k in ("200", "500", "stall"))),
            ("Journal kept / cap / recorded", f"{self.soak.journal_len} / {JOURNAL_CAP} / {t.journal_total}"),
            ("Delivery log kept / cap", f"{self.soak.log_len} / {DELIVERY_CAP}"),
            ("Messages kept / cap / evicted", f"{self.soak.messages} / {MESSAGE_CAP} / {self.soak.evicted}"),
            ("RSS at start (MiB)", f"{m.start:.1f}"),
            ("RSS when journal, delivery log and message store were full (MiB)", caps),
            ("RSS peak, first half / second half of the run (MiB)", f"{first:.1f} / {second:.1f}"),
            ("Bad-input corpus probes", self.corpus["probes"]),
            ("Bad-input answers 4xx / 5xx / other",
             f"{self.corpus['4xx']} / {self.corpus['5xx']} / "
             f"{self.corpus['probes'] - self.corpus['4xx'] - self.corpus['5xx']}"),
        ]
        lines = [f"Measured {day.isoformat()} with `python -m bench.reliability --seconds "
                 f"{self.seconds:g}` (one process: emulator, load and receiver).", "",
                 "| Figure | Value |", "|---|---|"]
        lines += [f"| {name} | {value} |" for name, value in rows]
        return "\n".join(lines) + "\n"


async def measure(seconds: float, workers: int = WORKERS) -> Figures:
    """Run the soak for ``seconds`` and the bad-input corpus once; for example
    ``asyncio.run(measure(10.0)).lost`` is 0 (``tests/soak/test_reliability.py`` runs just that)."""
    memory = Memory(start=rss_mib())
    soak = await run_soak(seconds, workers=workers, journal_cap=JOURNAL_CAP, delivery_cap=DELIVERY_CAP,
                          message_cap=MESSAGE_CAP, most_seconds=seconds + 30, watch=memory.watch)
    return Figures(soak, memory, await corpus_counts(), seconds)


HEADER = """# Reliability figures

Regenerate with `python -m bench.reliability --seconds 300 --write docs/reliability.md`; CI runs
it briefly (`tests/soak/test_reliability.py`) and checks that nothing is lost and nothing gets a 5xx.
Lost must be 0: every status event ends delivered or exhausted. The journal, the delivery log and
the message store stay at their caps (small ones here, so they fill within seconds), so the RSS
peak of the second half of the run matches the first half's: memory does not grow with run length.

"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reliability")
    parser.add_argument("--seconds", type=float, default=30.0, help="soak wall time (default 30)")
    parser.add_argument("--workers", type=int, default=WORKERS,
                        help=f"senders and pollers per provider (default {WORKERS})")
    parser.add_argument("--write", type=Path, help="write the table to this markdown file")
    args = parser.parse_args(argv)
    figures = asyncio.run(measure(args.seconds, args.workers))
    text = HEADER + figures.markdown(datetime.date.today())
    if args.write is not None:
        args.write.write_text(text, encoding="utf-8")
    print(text)
    broken = figures.broken()
    if broken:
        print("BROKEN: " + "; ".join(broken))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
