"""Each provider's API key format: mint a well-formed key, and say what is wrong with a malformed one.

``wa-emulator key PROVIDER`` mints; ``wa-emulator validate`` refuses a scenario whose key its
provider would refuse on every call (a Mojeeb key with a wrong checksum answers 401 before any lookup).
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .mojeeb.keys import is_well_formed, make_key
from .wazapin.auth import KEY_PREFIX as WAZAPIN_PREFIX

_BASE62 = string.digits + string.ascii_letters


def _random(length: int, alphabet: str = _BASE62) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _mojeeb_problem(secret: str) -> str | None:
    if is_well_formed(secret):
        return None
    return ("not a well-formed Mojeeb key (mk_live_<22 letters or digits>_<10-character checksum>; a wrong "
            "checksum is refused with 401 before any lookup); mint one with `wa-emulator key mojeeb`")


def _wazapin_problem(secret: str) -> str | None:
    if secret.startswith(WAZAPIN_PREFIX) and len(secret) > len(WAZAPIN_PREFIX):
        return None
    return f"Wazapin keys start with {WAZAPIN_PREFIX} (others get 401); mint one with `wa-emulator key wazapin`"


def _header_safe(secret: str) -> str | None:
    if secret and all(33 <= ord(c) <= 126 for c in secret):
        return None
    return "a key is sent in a header: printable ASCII without spaces"


@dataclass(frozen=True)
class KeyFormat:
    """How ``provider`` spells its keys (``source``: where the format comes from)."""

    mint: Callable[[], str]
    problem: Callable[[str], str | None]
    source: str


FORMATS: dict[str, KeyFormat] = {
    "mojeeb": KeyFormat(lambda: make_key(_random(22)), _mojeeb_problem,
                        "https://docs.mojeeb.app/docs/developers/authentication (checksum designed: keys.py)"),
    # https://docsx.wazapin.com shows keys as "wzp_xxx"; the length after the prefix is designed.
    "wazapin": KeyFormat(lambda: WAZAPIN_PREFIX + _random(32), _wazapin_problem, "https://docsx.wazapin.com"),
    # Agile Telecom documents no key format: a designed one, and any header-safe key is accepted.
    "qlara": KeyFormat(lambda: "qlara_" + _random(32, string.ascii_lowercase + string.digits), _header_safe,
                       "designed (the provider documents none)"),
}


def mint(provider: str) -> str:
    """A fresh, well-formed key for ``provider`` (a KeyError names the providers).

    >>> all(FORMATS[name].problem(mint(name)) is None for name in FORMATS)
    True
    >>> mint("mojeeb").startswith("mk_live_")
    True
    """
    if provider not in FORMATS:
        raise KeyError(f"no provider {provider!r}; the providers are: {', '.join(FORMATS)}")
    return FORMATS[provider].mint()


def key_problem(provider: str, secret: str) -> str | None:
    """What ``provider`` would refuse about ``secret`` on every call, or None (unknown providers: None).

    >>> key_problem("mojeeb", "mk_live_8aB3cDe4FgH5iJ6kLm7nOp_a1b2c3d4e5") is not None
    True
    """
    form = FORMATS.get(provider)
    return None if form is None else form.problem(secret)


def tenant_key_problems(scenario: Any) -> list[tuple[tuple[str | int, ...], str]]:
    """Each key under a scenario's ``tenants`` its provider would refuse on every call: its path in
    the scenario and what is wrong.

    >>> tenant_key_problems({"tenants": {"mojeeb": [{"keys": [{"secret": "mk_live_x"}]}]}})[0][0]
    ('tenants', 'mojeeb', 0, 'keys', 0, 'secret')
    """
    tenants = scenario.get("tenants") if isinstance(scenario, dict) else None
    found: list[tuple[tuple[str | int, ...], str]] = []
    for provider, orgs in (tenants if isinstance(tenants, dict) else {}).items():
        for i, org in enumerate(orgs if isinstance(orgs, list) else []):
            org_keys = org.get("keys") if isinstance(org, dict) else None
            for j, key in enumerate(org_keys if isinstance(org_keys, list) else []):
                secret = key.get("secret") if isinstance(key, dict) else None
                problem = key_problem(str(provider), secret) if isinstance(secret, str) else None
                if problem is not None:
                    found.append((("tenants", provider, i, "keys", j, "secret"), problem))
    return found
