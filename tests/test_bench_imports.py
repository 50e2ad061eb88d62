"""The benchmarks stand on their own: bench/ imports nothing from tests/."""

from __future__ import annotations

import ast
from pathlib import Path

BENCH = Path(__file__).parent.parent / "bench"


def test_bench_imports_nothing_from_tests():
    for path in BENCH.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else [])
            assert not [name for name in names if name.split(".")[0] == "tests"], f"bench/{path.name} imports tests"
