"""Contracts: the JSON Schemas of every body, the OpenAPI documents built from them, strict mode.

``validate()`` is public so users can check their own fixtures::

    from wa_emulator import contracts
    contracts.validate("mojeeb", "message", {"id": "…", "status": "queued", …})
"""

from .schemas import SHARED, ContractError, folders, load, names, problems, schema_id, validate

__all__ = ["SHARED", "ContractError", "folders", "load", "names", "problems", "schema_id", "validate"]
