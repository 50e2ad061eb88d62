"""Files that ship inside the package: contracts and bundled scenarios.

Installed, they are the data packages ``wa_emulator.contract_files`` and
``wa_emulator.bundled_scenarios`` (mapped from the repository's top-level
``contracts/`` and ``scenarios/``); run from a checkout without installing,
they are read from those folders directly.
"""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parent.parent
_PACKAGES = {"contracts": "wa_emulator.contract_files", "scenarios": "wa_emulator.bundled_scenarios"}


def resource_root(name: str) -> Traversable:
    """The folder of shipped files called ``name`` (``"contracts"`` or ``"scenarios"``).

    >>> resource_root("contracts").joinpath("mojeeb").is_dir()
    True
    """
    try:
        return importlib.resources.files(_PACKAGES[name])
    except ModuleNotFoundError:
        return _REPO_ROOT / name
