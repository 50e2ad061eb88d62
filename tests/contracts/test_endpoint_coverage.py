"""docs/fidelity.md's "Endpoint coverage" table and the operations tables agree, so neither can rot.

Every row marked served names an operation that exists, with that method and path; every operation a
provider serves has its served row; an out-of-scope row gives its reason.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_emulator.providers import all_providers

DOC = Path(__file__).parents[2] / "docs" / "fidelity.md"
SECTION = "## Endpoint coverage"
COLUMNS = ["provider", "method", "path", "coverage", "operation", "source / reason"]
SERVED, OUT = "served", "out of scope"


def rows() -> list[dict[str, str]]:
    """The table's rows, as dicts keyed by its header."""
    text = DOC.read_text(encoding="utf-8")
    assert SECTION in text, f"{DOC.name} has no {SECTION!r} section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    assert header == COLUMNS
    # "\|" inside a cell is a literal bar (Markdown), not a column break.
    return [dict(zip(header, [c.strip().replace("\0", "|") for c in line.replace("\\|", "\0").strip("|").split("|")],
                     strict=True)) for line in table[2:]]


OPERATIONS = {(p.name, op.operation_id): op for p in all_providers() for op in p.api.operations}


def test_the_table_has_rows_for_every_provider_and_only_known_coverage_words():
    found = rows()
    assert {row["provider"] for row in found} == {p.name for p in all_providers()}
    assert {row["coverage"] for row in found} <= {SERVED, OUT}


@pytest.mark.parametrize("row", [r for r in rows() if r["coverage"] == SERVED],
                         ids=lambda r: f"{r['provider']}:{r['operation']}")
def test_a_served_row_names_an_operation_with_its_method_and_path(row):
    op = OPERATIONS.get((row["provider"], row["operation"]))
    assert op is not None, f"{row['provider']} has no operation {row['operation']!r}"
    assert (op.method.upper(), op.path) == (row["method"], row["path"])


def test_every_served_operation_has_its_row():
    listed = {(row["provider"], row["operation"]) for row in rows() if row["coverage"] == SERVED}
    missing = sorted(f"{provider} {op.method.upper()} {op.path} ({op_id})"
                     for (provider, op_id), op in OPERATIONS.items() if (provider, op_id) not in listed)
    assert not missing, f"operations missing from {DOC.name}'s endpoint coverage: {missing}"


def test_an_out_of_scope_row_gives_its_reason():
    for row in rows():
        if row["coverage"] == OUT:
            assert row["operation"] == "—" and len(row["source / reason"]) > 40, row
