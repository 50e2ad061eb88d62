"""docs/architecture.md's module map is complete: a module added to the package without a line there fails."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "wa_emulator"
DOC = ROOT / "docs" / "architecture.md"


def map_sections() -> dict[str, str]:
    """Folder (``""`` for the top level) -> the text of its part of the module map."""
    text = DOC.read_text(encoding="utf-8")
    body = text[text.index("## Module map"):text.index("## Import rules")]
    parts = re.split(r"^\*\*(Top level|`[\w/]+/`)\*\*", body, flags=re.M)
    names = [name.strip("`").rstrip("/").replace("Top level", "") for name in parts[1::2]]
    return dict(zip(names, parts[2::2], strict=True))


def test_every_module_has_a_line_in_its_folders_part_of_the_map():
    sections = map_sections()
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        folder = parts[0] if len(parts) > 1 else ""  # providers/<name>/x.py belong to the providers part
        if f"`{path.name}`" not in sections.get(folder, ""):
            missing.append(str(path.relative_to(ROOT)))
    assert not missing, "docs/architecture.md's module map lacks:\n" + "\n".join(missing)
