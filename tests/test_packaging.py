"""What ``pip install`` ships: every contracts folder is a listed package, so the install is quiet and complete."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_contracts_folder_is_listed_so_setuptools_neither_warns_nor_skips_it() -> None:
    # An unlisted folder makes `make run` open with a screenful of "Package would be ignored" warnings.
    packages = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    folders = sorted(p.relative_to(ROOT / "contracts") for p in (ROOT / "contracts").rglob("*") if p.is_dir())
    missing = [f for f in folders if "wa_emulator.contract_files." + ".".join(f.parts) not in packages]
    assert missing == []
