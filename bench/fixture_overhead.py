"""Per-test overhead of the emulator fixtures, against a test with no fixture, in the same pytest run.

    .venv/bin/python -m bench.fixture_overhead [N]

Writes N tests of each kind into a scratch folder and runs pytest on them in-process; a plugin times
each test's setup + call + teardown. The figure is the median per test minus the baseline's median
(the first test of each kind, which starts the session's server, is left out). Target: at most 10 ms
for the default world (the sandbox scenario), as ``wa-emulator serve`` starts.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import pytest

TARGET_MS = 10.0
KINDS = {
    "baseline (no fixture)": "def test_baseline_{n}():\n    assert True\n",
    "wa_emulator (sandbox)": "def test_sandbox_{n}(wa_emulator):\n    assert wa_emulator.mode == 'manual'\n",
    "wa_emulator_sync (sandbox)": "def test_sync_{n}(wa_emulator_sync):\n"
                                  "    assert wa_emulator_sync.mode == 'manual'\n",
    "wa_emulator (empty world)": "@pytest.mark.wa_emulator(scenario=None)\n"
                                 "def test_empty_{n}(wa_emulator):\n    assert wa_emulator.mode == 'manual'\n",
    "wa_webhook_sink": "def test_sink_{n}(wa_webhook_sink):\n    assert wa_webhook_sink.url\n",
}


class Timer:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.seconds[report.nodeid] += report.duration


def main(count: int = 200) -> int:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "pytest.ini").write_text(
            "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n")
        source = "import pytest\n\n" + "\n".join(
            template.format(n=n) for template in KINDS.values() for n in range(count))
        (root / "test_overhead.py").write_text(source)
        timer = Timer()
        code = pytest.main([str(root), "-q", "-p", "no:cacheprovider", "-p", "no:randomly"], plugins=[timer])
        if code != 0:
            print(f"pytest failed ({code})", file=sys.stderr)
            return 1
    groups: dict[str, list[float]] = defaultdict(list)
    prefixes = {template.split("def test_")[1].split("_{n}")[0]: kind for kind, template in KINDS.items()}
    for nodeid, seconds in timer.seconds.items():
        name = nodeid.rsplit("::", 1)[1]
        groups[prefixes[name.removeprefix("test_").rsplit("_", 1)[0]]].append(seconds * 1000)
    baseline = statistics.median(groups["baseline (no fixture)"][1:])
    print(f"\nper-test time, median of {count - 1} tests (ms); overhead = kind - baseline; target <= {TARGET_MS:g} ms")
    print(f"{'kind':<30}{'median':>10}{'overhead':>10}  verdict")
    for kind in KINDS:
        median = statistics.median(groups[kind][1:])
        overhead = median - baseline
        verdict = "" if kind.startswith("baseline") else ("ok" if overhead <= TARGET_MS else "OVER TARGET")
        print(f"{kind:<30}{median:>10.2f}{overhead:>10.2f}  {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
