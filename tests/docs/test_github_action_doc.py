"""docs/github-action.md names every input and output the action declares, with the input's real default."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).parents[2]
ACTION = yaml.safe_load((ROOT / ".github" / "actions" / "wa-emulator" / "action.yml").read_text(encoding="utf-8"))
DOC = (ROOT / "docs" / "github-action.md").read_text(encoding="utf-8")


def table_rows(heading: str) -> list[list[str]]:
    """The cells of each body row of the table under ``## heading``."""
    section = DOC.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip("|").split("|") for line in section.splitlines() if line.startswith("| `")]
    return [[cell.strip() for cell in row] for row in rows]


def test_every_input_is_documented_with_its_default():
    documented = {row[0].strip("`"): row[1].strip("`") for row in table_rows("Inputs")}
    declared = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    assert documented == declared


def test_every_output_is_documented():
    documented = {name for row in table_rows("Outputs") for name in re.findall(r"`([\w-]+)`", row[0])}
    assert documented == set(ACTION["outputs"])
