"""The long soak: ``python -m bench.soak [--seconds 60]``, the same engine and checks as
``tests/soak`` (which runs it for about 4 s), printed as a table. Exit code 1 if any check fails."""

from __future__ import annotations

import argparse
import asyncio
import sys

from .soakengine import run_soak


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--seconds", type=float, default=60.0, help="wall time under load (default 60)")
    parser.add_argument("--workers", type=int, default=8, help="senders and pollers per provider (default 8)")
    args = parser.parse_args(argv)
    report = asyncio.run(run_soak(args.seconds, workers=args.workers, journal_cap=2_000, delivery_cap=1_000))
    width = max(len(name) for name, _ in report.rows())
    for name, value in report.rows():
        print(f"{name:<{width}}  {value}")
    broken = report.broken()
    print("all invariants held" if not broken else "BROKEN: " + "; ".join(broken))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
