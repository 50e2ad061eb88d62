"""JSON Schemas (2020-12) of every body each provider sends, receives and signs.

Layout: ``contracts/<provider>/<name>.json``; each schema has a ``title`` and an
``x-source`` (the provider's documentation address, or ``"designed"`` with a
reason). ``validate()`` is public so users can check their own fixtures::

    from emulator import contracts
    contracts.validate("mojeeb", "message", {"id": "…", "status": "queued", …})
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match

from .resources import resource_root


class ContractError(ValueError):
    """A body that breaks its schema; the message names the JSON path and the rule."""


def folders() -> list[str]:
    """Every provider (and ``control``) that has contracts, sorted.

    >>> "mojeeb" in folders()
    True
    """
    root = resource_root("contracts")
    return sorted(entry.name for entry in root.iterdir() if entry.is_dir() and not entry.name.startswith(("_", ".")))


def names(provider: str) -> list[str]:
    """Every contract name of ``provider``, sorted.

    >>> "error" in names("mojeeb")
    True
    """
    folder = resource_root("contracts").joinpath(provider)
    if not folder.is_dir():
        raise KeyError(f"no contracts for provider {provider!r}")
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir() if entry.name.endswith(".json"))


@cache
def load(provider: str, name: str) -> dict[str, Any]:
    """The schema ``contracts/<provider>/<name>.json`` as a dict."""
    entry = resource_root("contracts").joinpath(provider, f"{name}.json")
    if not entry.is_file():
        raise KeyError(f"no contract {provider}/{name}")
    return json.loads(entry.read_text(encoding="utf-8"))


@cache
def _validator(provider: str, name: str) -> Draft202012Validator:
    schema = load(provider, name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate(provider: str, name: str, body: Any) -> None:
    """Raise ContractError if ``body`` breaks ``provider``'s ``name`` contract.

    >>> validate("mojeeb", "error", {"error": {"type": "not_found_error", "code": "message_not_found",
    ...          "message": "No message found with the supplied id.", "correlation_id": "req_1"}})
    """
    error = best_match(_validator(provider, name).iter_errors(body))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ContractError(f"{provider}/{name}: at {where}: {error.message}")
