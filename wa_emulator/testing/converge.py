"""Converges: does the client's view of each message match the emulator's truth after a run?

``converges(emu, view)`` takes the client's view, ``{message id: status}`` or
``{message id: (status, failure reason)}`` (or objects with ``status`` and ``reason``), and
fails with one line per message that differs: a wrong status, a failure reason missing or not
naming the error, a message the client never tracked, or one the emulator never had. Statuses
may be given in the provider's own words (Qlara's ``DELIVERED``, ``ERROR``) or the core's
(``delivered``, ``failed``), in any case.

Example::

    converges(wa_emulator, {message_id: ("read", None)})
    converges(wa_emulator, tracker.view(), only=[message_id])

A failure reason counts when it names the error's code (``131026``) or its title. Mojeeb's
message object carries no reason at all (only ``failed_at``), so reasons are not asked of its
messages unless ``reasons=True``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any, Protocol

from .coverage import status_words_of

__all__ = ["Difference", "NotConverged", "converges", "differences"]

# Providers whose API never tells a client why a message failed
# (https://docs.mojeeb.app/docs/developers/whatsapp/get-message: status and failed_at only).
NO_REASON = frozenset({"mojeeb"})


class Truth(Protocol):
    """What ``converges`` reads: ``Emulator``, ``ThreadedEmulator`` and the remote client all have it."""

    def messages(self, **filters: str) -> list[dict[str, Any]]: ...


class NotConverged(AssertionError):
    """The client's view differs from the emulator's; ``differences`` says how, per message."""

    def __init__(self, differences: list[Difference], compared: int) -> None:
        self.differences = differences
        lines = [f"{len(differences)} of {compared} message(s) differ between the client and the emulator:"]
        lines += [f"  {difference}" for difference in differences]
        super().__init__("\n".join(lines))


class Difference:
    """One message's disagreement: ``message_id``, ``what`` (status, reason, missing, unknown) and how."""

    __slots__ = ("detail", "message_id", "what")

    def __init__(self, message_id: str, what: str, detail: str) -> None:
        self.message_id, self.what, self.detail = message_id, what, detail

    def __str__(self) -> str:
        return f"{self.message_id}: {self.detail}"

    def __repr__(self) -> str:
        return f"Difference({self.message_id!r}, {self.what!r}, {self.detail!r})"


@cache
def _words(provider: str) -> dict[str, str]:
    """The provider's word for each core status (Qlara: ``sent`` -> ``SENT``), empty if unknown."""
    return {status.value: word for status, word in status_words_of(provider).items()}


def _same_status(client: str, truth: str, provider: str) -> bool:
    said = client.strip().lower()
    return said == truth or said == _words(provider).get(truth, truth).lower()


def _read(entry: Any) -> tuple[str | None, str | None]:
    if entry is None or isinstance(entry, str):
        return entry, None
    if isinstance(entry, tuple | list):
        return (entry[0], entry[1] if len(entry) > 1 else None)
    if isinstance(entry, Mapping):
        return entry.get("status"), entry.get("reason")
    return getattr(entry, "status", None), getattr(entry, "reason", None)


def _reason_problem(reason: Any, error: Mapping[str, Any]) -> str | None:
    code, title = str(error.get("code")), str(error.get("title") or "")
    if reason in (None, ""):
        return f"the client kept no failure reason; the emulator failed it with {code} {title}".rstrip()
    text = str(reason)
    if code in text or (title and title.lower() in text.lower()):
        return None
    return f"failure reason {text!r} names neither the error code {code} nor its title {title!r}"


def _fixture_ids(emu: Truth) -> set[str]:
    """The scenario's fixture messages: facts the world starts with, which no client sent or tracks."""
    raw = getattr(getattr(emu, "scenario", None), "raw", None)
    if not isinstance(raw, Mapping):
        return set()
    return {str(f.get("id")) for f in raw.get("fixtures") or () if isinstance(f, Mapping)}


def differences(emu: Truth, view: Mapping[str, Any], *, only: Iterable[str] | None = None,
                reasons: bool | None = None) -> list[Difference]:
    """How the client's ``view`` differs from the emulator's outbound messages (empty: it converged)."""
    truth = {m["id"]: m for m in emu.messages(direction="outbound")}
    given = _fixture_ids(emu)
    wanted = [i for i in truth if i not in given] if only is None else list(only)
    found: list[Difference] = []
    for message_id in wanted:
        message = truth.get(message_id)
        if message is None:
            found.append(Difference(message_id, "unknown", "the emulator has no such outbound message"))
            continue
        provider, status = message["provider"], message["status"]
        if message_id not in view:
            found.append(Difference(message_id, "missing",
                                    f"the client does not track it (emulator: {status}, {provider})"))
            continue
        said, reason = _read(view[message_id])
        if said is None or not _same_status(str(said), status, provider):
            history = " -> ".join(change["status"] for change in message["history"])
            found.append(Difference(message_id, "status",
                                    f"status: the client says {said!r}, the emulator says {status!r} ({history})"))
            continue
        ask = reasons if reasons is not None else provider not in NO_REASON
        if message["error"] is not None and ask:
            problem = _reason_problem(reason, message["error"])
            if problem is not None:
                found.append(Difference(message_id, "reason", problem))
    if only is None:
        for message_id in view:
            if message_id not in truth:
                found.append(Difference(message_id, "unknown",
                                        "the client tracks an id the emulator never sent"))
    return found


def converges(emu: Truth, view: Mapping[str, Any], *, only: Iterable[str] | None = None,
              reasons: bool | None = None) -> None:
    """Fail (``NotConverged``, an AssertionError) unless the client's view matches the emulator's truth.

    ``only``: compare just these message ids (default: every outbound message but the scenario's
    fixtures, and nothing the emulator lacks);
    ``reasons``: ask for failure reasons (default: where the provider gives one).
    """
    __tracebackhide__ = True  # the failure points at the caller's line
    ids = None if only is None else list(only)
    truth = {m["id"] for m in emu.messages(direction="outbound")} - _fixture_ids(emu)
    compared = len(ids) if ids is not None else len(truth | set(view))
    found = differences(emu, view, only=ids, reasons=reasons)
    if found:
        raise NotConverged(found, compared)
