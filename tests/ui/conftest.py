"""Fixtures for the dashboard's tests: one threaded emulator and one headless Chromium, shared by every module
(each test resets the emulator and loads the page afresh; starting a browser costs a second or two)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bench import browser
from wa_emulator.testing.threaded import ThreadedEmulator


@pytest.fixture(scope="session")
def emulator() -> Iterator[ThreadedEmulator]:
    """An emulator on its own thread (the browser's calls block this one), manual clock."""
    emu = ThreadedEmulator().start()
    try:
        yield emu
    finally:
        emu.stop()


@pytest.fixture(scope="session")
def chrome() -> Iterator[Any]:
    """Headless Chromium at 1280×800; skipped with one line when this machine has none (a failure in CI)."""
    reason = browser.missing()
    if reason is not None:
        if browser.required():
            pytest.fail(f"{reason} ({browser.REQUIRE} is set, so the browser tests may not skip)")
        pytest.skip(reason)
    driver = browser.chrome()
    try:
        yield driver
    finally:
        driver.quit()
