"""Helpers to run the plugin in a pytester sandbox, as a user's project would."""

from __future__ import annotations

import importlib.metadata

import pytest

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


def entry_point_installed() -> bool:
    """True when the project is installed, so pytest loads the plugin through its entry point."""
    plugins = importlib.metadata.entry_points(group="pytest11")
    return any(ep.value == "wa_emulator.testing.pytest_plugin" for ep in plugins)


@pytest.fixture
def run_user_tests(pytester: pytest.Pytester):
    """Write ``source`` as a user's test module and run it in-process; returns the result."""

    def run(source: str, *args: str) -> pytest.RunResult:
        pytester.makeini(INI)
        pytester.makepyfile(test_user=source)
        plugin = [] if entry_point_installed() else ["-p", "wa_emulator.testing.pytest_plugin"]
        return pytester.runpytest(*plugin, "-q", "-p", "no:cacheprovider", *args)

    return run
