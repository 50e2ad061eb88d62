"""docs/orderings.md is real: its files are run step by step and its pasted output still comes out."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.plugin.conftest import entry_point_installed

ROOT = Path(__file__).parents[2]
DOC = (ROOT / "docs" / "orderings.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"<!-- orderings-(?P<kind>file|fix): (?P<name>[\w.]+) -->\n```\w*\n(?P<body>.*?)\n```", re.S)
CONSOLE = re.compile(r"```console\n\$ pytest -q (?P<args>[^\n]*)\n(?P<output>.*?)```", re.S)


def blocks() -> dict[str, str]:
    return {match["name"]: match["body"] + "\n" for match in BLOCK.finditer(DOC)}


def consoles() -> list[tuple[list[str], list[str]]]:
    """Each pasted run: its arguments and the lines of its output that must come out again."""
    found = []
    for match in CONSOLE.finditer(DOC):
        args = [arg.strip("'") for arg in match["args"].split()]
        lines = [line.strip() for line in match["output"].splitlines()
                 if line.startswith(("E ", "FAILED"))]
        found.append((args, lines))
    return found


def check(result: pytest.RunResult, expected: list[str]) -> None:
    output = [line.strip() for line in result.stdout.lines]
    for line in expected:
        assert line in output, f"docs/orderings.md shows {line!r}; the run printed:\n" + "\n".join(output)


def test_the_walk_through_runs_as_the_page_says(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))  # the page's test imports examples/
    files, runs = blocks(), consoles()
    assert len(runs) == 5, "the page pastes five runs"
    pytester.makeini(files["pytest.ini"])
    source = files["test_tracker.py"]
    plugin = [] if entry_point_installed() else ["-p", "wa_emulator.testing.pytest_plugin"]

    def run(args: list[str], expected: list[str], outcome: str) -> None:
        pytester.path.joinpath("test_tracker.py").write_text(source, encoding="utf-8")
        result = pytester.runpytest(*plugin, "-q", "-p", "no:cacheprovider", *args)
        result.assert_outcomes(**{outcome: 1})
        check(result, expected)

    run(*runs[0], "failed")                         # 3. the bug, found
    run(*runs[1], "failed")                         #    just that order
    start, end = source.index("class MyTracker"), source.index("@pytest.mark.wa_orderings")
    source = source[:start] + files["MyTracker"].lstrip() + "\n\n" + source[end:]
    run(*runs[2], "passed")                         # 4. fixed
    source = source.replace("drops=0", "drops=1")
    run(*runs[3], "failed")                         # 5. a lost webhook
    deliver = "            await run.deliver()"
    line_end = source.index("\n", source.index(deliver)) + 1
    source = source[:line_end] + files["reconcile"] + source[line_end:]
    run(*runs[4], "passed")                         #    reconciled
