"""Lookups shared by the in-process emulator and the remote clients: provider URLs and keys."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import ControlNotFound


def unknown_provider(name: str, known: list[str]) -> ControlNotFound:
    """The error for a provider name that is not mounted, listing those that are.

    >>> str(unknown_provider("Mojeeb", ["mojeeb", "qlara"]))
    "No provider 'Mojeeb'; the providers are: mojeeb, qlara."
    """
    return ControlNotFound(404, "provider_not_found", f"No provider {name!r}; the providers are: {', '.join(known)}.",
                           {"field": "provider"})


def credentials_of(every: Mapping[str, Any], provider: str | None = None) -> Any:
    """All providers' credentials (``provider`` None), or that one provider's.

    >>> credentials_of({"qlara": {"organizations": []}}, "qlara")
    {'organizations': []}
    """
    if provider is None:
        return every
    if provider not in every:
        raise unknown_provider(provider, list(every))
    return every[provider]


def key_in(credentials: Mapping[str, Any], provider: str, name: str | None = None) -> str:
    """The secret of ``provider``'s key called ``name`` (e.g. ``"rate-limited"``), or of its first usable one.

    >>> creds = {"mojeeb": {"organizations": [{"keys": [{"name": "old", "secret": "a", "revoked": True},
    ...                                                 {"name": "full-access", "secret": "b", "revoked": False}]}]}}
    >>> key_in(creds, "mojeeb"), key_in(creds, "mojeeb", "old")
    ('b', 'a')
    """
    orgs = credentials_of(credentials, provider).get("organizations", [])
    keys = [key for org in orgs for key in org.get("keys", [])]
    for key in keys:
        if (key["name"] == name) if name is not None else not key.get("revoked"):
            return str(key["secret"])
    names = ", ".join(dict.fromkeys(key["name"] for key in keys)) or "none"
    wanted = f"key named {name!r}" if name is not None else "usable key"
    raise ControlNotFound(404, "unknown_key", f"{provider} has no {wanted}; its keys: {names}")
