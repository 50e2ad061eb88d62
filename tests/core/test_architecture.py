"""The rules of the house that keep the code base in shape (design.md, "Layout").

Each rule names a folder of the package and the modules nothing in it may import. Imports are
read with ``ast`` from the source files (relative ones resolved against the file's package), so
a breach is reported as ``file:line imports module`` without importing anything.
"""

from __future__ import annotations

import ast
from pathlib import Path

import wa_emulator

PACKAGE = Path(wa_emulator.__file__).parent
ROOT = PACKAGE.parent
PROVIDERS = sorted(p.name for p in (PACKAGE / "providers").iterdir() if (p / "__init__.py").exists())


def imports_in(source: str, package: str) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``source``, a module of ``package``.

    ``from a import b`` yields both ``a`` and ``a.b``, since ``b`` may be a module.

    >>> imports_in("from ..providers import mojeeb\\nimport json", "wa_emulator.core")
    [(1, 'wa_emulator.providers'), (1, 'wa_emulator.providers.mojeeb'), (2, 'json')]
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                module = ".".join(parts[: len(parts) - node.level + 1] + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return sorted(found)


def imports_of(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, module) of every import in the file at ``path`` (a module of the package under ``root``)."""
    package = ".".join(path.relative_to(root).with_suffix("").parts[:-1])
    return imports_in(path.read_text(encoding="utf-8"), package)


def is_within(module: str, name: str) -> bool:
    """Whether ``module`` is ``name`` or inside it; ``aiohttp.web`` also covers the ``aiohttp.web_*`` modules
    it is assembled from (the server side of aiohttp).

    >>> is_within("aiohttp.web_request", "aiohttp.web"), is_within("wa_emulator.webhooks", "wa_emulator.web")
    (True, False)
    """
    if module == name or module.startswith(name + "."):
        return True
    return name == "aiohttp.web" and module.startswith("aiohttp.web_")


def breaches(folder: Path, forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    """``file:line imports module`` for each import under ``folder`` of a module within ``forbidden``."""
    return [
        f"{path.relative_to(root)}:{line} imports {module}"
        for path in sorted(folder.rglob("*.py"))
        for line, module in imports_of(path, root)
        if any(is_within(module, name) for name in forbidden)
    ]


def _layers(*names: str) -> tuple[str, ...]:
    return tuple(f"wa_emulator.{name}" for name in names)


def test_the_core_imports_no_provider_no_server_and_no_outer_layer():
    forbidden = ("aiohttp.web", *_layers("providers", "web", "ui", "control", "scenario", "contracts", "testing"))
    found = breaches(PACKAGE / "core", forbidden)
    assert not found, "the core must stay provider- and server-neutral:\n" + "\n".join(found)


def test_web_imports_no_provider_and_nothing_built_on_it():
    found = breaches(PACKAGE / "web", _layers("providers", "ui", "control", "scenario", "testing"))
    assert not found, "web/ is what providers and control build on, never the reverse:\n" + "\n".join(found)


def test_providers_never_import_each_other():
    assert len(PROVIDERS) >= 3
    found = []
    for provider in PROVIDERS:
        others = tuple(f"wa_emulator.providers.{other}" for other in PROVIDERS if other != provider)
        found += breaches(PACKAGE / "providers" / provider, others)
    assert not found, "a provider shares code only through providers/base.py or the core:\n" + "\n".join(found)


def test_a_breach_is_reported_with_its_file_line_and_import(tmp_path: Path):
    core = tmp_path / "wa_emulator" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "bad.py").write_text("import json\n\nfrom ..providers.mojeeb import render\nfrom aiohttp import web\n")
    found = breaches(core, ("aiohttp.web", "wa_emulator.providers"), root=tmp_path)
    assert found == [
        "wa_emulator/core/bad.py:3 imports wa_emulator.providers.mojeeb",
        "wa_emulator/core/bad.py:3 imports wa_emulator.providers.mojeeb.render",
        "wa_emulator/core/bad.py:4 imports aiohttp.web",
    ]
