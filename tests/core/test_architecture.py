"""The rules of the house that keep the code base in shape (design.md, "Layout")."""

import ast
from pathlib import Path

import wa_emulator

PACKAGE = Path(wa_emulator.__file__).parent
PROVIDERS = sorted(p.name for p in (PACKAGE / "providers").iterdir() if (p / "__init__.py").exists())


def imports_of(path: Path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved against its package)."""
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def test_the_core_imports_neither_aiohttp_web_nor_providers_nor_scenarios():
    for path in (PACKAGE / "core").glob("*.py"):
        forbidden = ("aiohttp.web", "wa_emulator.providers", "wa_emulator.scenario")
        bad = {m for m in imports_of(path) if m.startswith(forbidden)}
        assert not bad, f"{path.name} imports {sorted(bad)}"


def test_providers_never_import_each_other():
    assert len(PROVIDERS) >= 3
    for provider in PROVIDERS:
        others = tuple(f"wa_emulator.providers.{other}" for other in PROVIDERS if other != provider)
        for path in (PACKAGE / "providers" / provider).glob("*.py"):
            bad = {m for m in imports_of(path) if m.startswith(others)}
            assert not bad, f"{provider}/{path.name} imports {sorted(bad)}"
