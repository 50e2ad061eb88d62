"""``wa-emulator contracts check FILE``: does a recorded body or fixture match a contract?

Which contract: ``--provider`` and ``--name`` when given; otherwise the file's
name (``mojeeb.message.json``, ``mojeeb-message.json`` or ``…/mojeeb/message.json``),
otherwise every provider contract (of ``--provider``, if given) is tried.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import schemas as contracts


class CheckError(Exception):
    """The file cannot be checked at all (missing, not JSON, unknown contract)."""


def read_body(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CheckError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckError(f"{path}: cannot read it: {exc}") from None
    except ValueError as exc:
        raise CheckError(f"{path}: not JSON: {exc}") from None


def _from_file_name(path: Path) -> tuple[str, str] | None:
    """(provider, name) spelled by the file's name or folder, if it names an existing contract."""
    stem = path.name.removesuffix(".json")
    guesses = [(path.parent.name, stem)]
    for separator in (".", "-", "_"):
        head, _, tail = stem.partition(separator)
        if tail:
            guesses.append((head, tail))
    for provider, name in guesses:
        if provider in contracts.folders() and name in contracts.names(provider):
            return provider, name
    return None


def candidates(path: Path, provider: str | None, name: str | None) -> list[tuple[str, str]]:
    """The contracts ``path`` is checked against, most specific first.

    >>> candidates(Path("recorded/mojeeb/message.json"), None, None)
    [('mojeeb', 'message')]
    """
    if provider is not None and provider not in contracts.folders():
        raise CheckError(f"no contracts for {provider!r}; there are: {', '.join(contracts.folders())}")
    if name is not None:
        owners = [provider] if provider else [p for p in contracts.folders() if name in contracts.names(p)]
        found = [(p, name) for p in owners if name in contracts.names(p)]
        if not found:
            raise CheckError(f"no contract called {name!r}" + (f" for {provider}" if provider else ""))
        return found
    inferred = _from_file_name(path)
    if inferred is not None and provider in (None, inferred[0]):
        return [inferred]
    # Control bodies are the emulator's own, never a recorded provider payload: only on request.
    owners = [provider] if provider else [p for p in contracts.folders() if p != "control"]
    return [(p, n) for p in owners for n in contracts.names(p)]


def check(path: Path, provider: str | None = None, name: str | None = None) -> str:
    """The contract ``path``'s body matches; raises ContractError naming the closest one otherwise."""
    tried = candidates(path, provider, name)
    body = read_body(path)
    problems: list[tuple[int, str]] = []
    for owner, contract in tried:
        try:
            contracts.validate(owner, contract, body)
        except contracts.ContractError as exc:
            errors = len(contracts.problems(owner, contract, body))
            problems.append((errors, str(exc)))
            continue
        return f"{owner}/{contract}"
    if len(problems) == 1:
        raise contracts.ContractError(problems[0][1])
    # Several were tried: report the one the body came closest to (fewest problems).
    raise contracts.ContractError(f"matches none of {len(tried)} contracts; closest is {min(problems)[1]}")
