"""The dashboard with 10,000 messages in the store: how long its message list takes to open.

Two figures, each beside a baseline measured in the same run:

- the control API call the page makes (one page, newest first) against the whole unpaged list
  a page without paging would need, and against ``/_emulator/health`` (the floor);
- in headless Chromium (when installed): from navigation to the first page of rows drawn, with
  10,000 messages against an empty store.

Run: ``python -m bench.dashboard [--messages 10000]``.
"""

from __future__ import annotations

import argparse
import statistics
import time
import urllib.request
from typing import Any

from wa_emulator.testing.threaded import ThreadedEmulator

from . import browser

ROUNDS = 20
PAGE = "/_emulator/messages?order=newest&offset=0&limit=50"


def fill(emulator: ThreadedEmulator, count: int) -> None:
    """``count`` messages in the store, written in directly (the figure is about reading them)."""

    def write() -> None:
        world = emulator.world
        for n in range(count):
            world.receive_inbound(provider="mojeeb", org_id="bench", agent_id="bench", customer=f"+1555{n:07d}",
                                  business="+15550100001", text=f"message {n}")

    emulator.call(write)


def http_ms(url: str, rounds: int = ROUNDS) -> float:
    """Median milliseconds of ``rounds`` GETs of ``url``."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as answer:
            answer.read()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def page_open_ms(driver: Any, url: str, expect_rows: bool) -> float:
    """Milliseconds from navigation start until the message list is drawn (``#messages-range`` filled)."""
    driver.get("about:blank")
    driver.get(url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        drawn = driver.execute_script(
            "const r = document.querySelector('#messages-range');"
            "return r && r.textContent ? performance.now() : null;")
        rows = driver.execute_script("return document.querySelectorAll('#messages-table tr[data-id]').length;")
        if drawn is not None and (rows > 0) == expect_rows:
            return float(drawn)
        time.sleep(0.005)
    raise TimeoutError(f"the message list at {url} was not drawn within 30 s")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    args = parser.parse_args(argv)
    with ThreadedEmulator() as empty, ThreadedEmulator() as full:
        fill(full, args.messages)
        base_full = full.url("mojeeb").removesuffix("/mojeeb")
        base_empty = empty.url("mojeeb").removesuffix("/mojeeb")
        print(f"dashboard message list, {args.messages} messages in the store (median of {ROUNDS})")
        print(f"  GET one page (50, newest first)   {http_ms(base_full + PAGE):8.1f} ms")
        print(f"  baseline: GET the whole list       {http_ms(base_full + '/_emulator/messages', 5):8.1f} ms")
        print(f"  baseline: GET /_emulator/health    {http_ms(base_full + '/_emulator/health'):8.1f} ms")
        reason = browser.missing()
        if reason is not None:
            print(f"  browser figures skipped: {reason}")
            return 0
        driver = browser.chrome()
        try:
            page_open_ms(driver, base_empty + "/_emulator/ui/#messages", expect_rows=False)  # warm the browser
            opened = statistics.median(page_open_ms(driver, base_full + "/_emulator/ui/#messages", True)
                                       for _ in range(5))
            baseline = statistics.median(page_open_ms(driver, base_empty + "/_emulator/ui/#messages", False)
                                         for _ in range(5))
        finally:
            driver.quit()
        print(f"  page open to first rows drawn      {opened:8.1f} ms  (target: under 1000 ms)")
        print(f"  baseline: same page, empty store   {baseline:8.1f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
