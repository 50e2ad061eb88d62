"""JSON Schemas (2020-12) of every body each provider sends, receives and signs.

Layout: ``contracts/<provider>/<name>.json``; each schema has a ``title`` and an
``x-source`` (the provider's documentation address, or ``"designed"`` with a
reason). ``validate()`` is public so users can check their own fixtures::

    from wa_emulator import contracts
    contracts.validate("mojeeb", "message", {"id": "…", "status": "queued", …})

A schema may use a sibling of its folder with a relative reference, ``{"$ref":
"webhook-delivery.json"}`` (or ``"webhook-delivery.json#/$defs/…"``), so a shape
shared by several bodies is written once; the OpenAPI documents turn such a
reference into one to the sibling's component. Schemas at the top of ``contracts/``
(the scenario format) are shared: a contract refers to one as
``"../scenario.schema.json"``, and ``load(SHARED, "scenario.schema")`` reads it.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources.abc import Traversable
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from ..resources import resource_root

SHARED = ""
"""The "folder" of the schemas at the top of ``contracts/``, which every folder may refer to."""


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
    folder = _folder(provider)
    if not folder.is_dir():
        raise KeyError(f"no contracts for provider {provider!r}")
    return sorted(entry.name.removesuffix(".json") for entry in folder.iterdir()
                  if entry.name.endswith(".json") and entry.is_file())


def _folder(provider: str) -> Traversable:
    root = resource_root("contracts")
    return root if provider == SHARED else root.joinpath(provider)


@cache
def load(provider: str, name: str) -> dict[str, Any]:
    """The schema ``contracts/<provider>/<name>.json`` (``contracts/<name>.json`` for SHARED) as a dict."""
    entry = _folder(provider).joinpath(f"{name}.json")
    if not entry.is_file():
        raise KeyError(f"no contract {provider}/{name}")
    return json.loads(entry.read_text(encoding="utf-8"))


def schema_id(provider: str, name: str) -> str:
    """The ``$id`` every contract carries; sibling references resolve against it.

    >>> schema_id("wazapin", "error"), schema_id(SHARED, "scenario.schema")
    ('https://wa-emulator.local/contracts/wazapin/error.json', 'https://wa-emulator.local/contracts/scenario.schema.json')
    """
    return "/".join(["https://wa-emulator.local/contracts", *filter(None, [provider]), f"{name}.json"])


@cache
def _registry(provider: str) -> Registry:
    """Every contract of ``provider``, and the shared ones, by ``$id``, so one may refer to another."""
    resources = [(schema_id(folder, name), DRAFT202012.create_resource(load(folder, name)))
                 for folder in dict.fromkeys([provider, SHARED]) for name in names(folder)]
    return Registry().with_resources(resources)


@cache
def _validator(provider: str, name: str) -> Draft202012Validator:
    schema = load(provider, name)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=_registry(provider))


def problems(provider: str, name: str, body: Any) -> list[ValidationError]:
    """Every rule ``body`` breaks in ``provider``'s ``name`` contract (empty when it matches).

    >>> [error.message for error in problems("mojeeb", "error", {"error": {}})][:2]
    ["'type' is a required property", "'code' is a required property"]
    """
    return list(_validator(provider, name).iter_errors(body))


def validate(provider: str, name: str, body: Any) -> None:
    """Raise ContractError if ``body`` breaks ``provider``'s ``name`` contract.

    >>> validate("mojeeb", "error", {"error": {"type": "not_found_error", "code": "message_not_found",
    ...          "message": "No message found with the supplied id.", "correlation_id": "req_1"}})
    """
    error = best_match(problems(provider, name, body))
    if error is not None:
        where = "/".join(str(part) for part in error.absolute_path) or "(top level)"
        raise ContractError(f"{provider}/{name}: at {where}: {error.message}")
