"""Strict checks every control call shares, so nothing it is given is silently ignored.

An unknown body field is a 422 naming it; an unknown filter or a filter value nothing could ever
match is a 400 listing what is valid; a phone number is one person however it is written.
The in-process ``Emulator`` runs the same checks and raises them as ``ControlError``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from typing import Any

from ..core.models import INBOUND, OUTBOUND
from ..core.status import Status
from ..core.webhooks import CANCELLED, DELIVERED, DROPPED, EXHAUSTED, INVALID, PENDING
from ..web.http import ApiError, whole_number

STATUSES = tuple(s.value for s in Status)
DIRECTIONS = (OUTBOUND, INBOUND)
DELIVERY_STATES = (PENDING, DELIVERED, EXHAUSTED, DROPPED, CANCELLED, INVALID)
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _hint(name: str, allowed: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(allowed), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def refuse_unknown(body: Mapping[str, Any], allowed: Collection[str], what: str) -> None:
    """422 ``unknown_field`` naming the first field of ``body`` outside ``allowed``.

    >>> refuse_unknown({"delay": "5s"}, ("delay", "drop"), "directive")
    >>> try:
    ...     refuse_unknown({"dealy": "5s"}, ("delay", "drop"), "directive")
    ... except ApiError as exc:
    ...     print(exc.status, exc.code, exc.extra["field"], exc.message)
    422 unknown_field dealy Unknown directive field 'dealy' (did you mean 'delay'?); the fields are: delay, drop.
    """
    for name in body:
        if name not in allowed:
            fields = f"the fields are: {', '.join(allowed)}" if allowed else f"a {what} takes no fields"
            raise ApiError(422, "unknown_field", f"Unknown {what} field '{name}'{_hint(str(name), allowed)}; {fields}.",
                           field=str(name), allowed=list(allowed))


def refuse_unknown_filters(given: Iterable[str], allowed: Collection[str]) -> None:
    """400 ``unknown_filter`` naming a filter (query parameter) the listing does not have."""
    for name in given:
        if name not in allowed:
            raise ApiError(400, "unknown_filter",
                           f"Unknown filter '{name}'{_hint(name, allowed)}; the filters are: {', '.join(allowed)}.",
                           field=name, allowed=list(allowed))


def one_of(name: str, value: str, allowed: Collection[str]) -> str:
    """``value`` if it is in ``allowed``, else 400 ``invalid_filter`` listing them.

    >>> try:
    ...     one_of("provider", "mojeb", ("mojeeb", "wazapin"))
    ... except ApiError as exc:
    ...     print(exc.status, exc.code, exc.message)
    400 invalid_filter 'provider' must be one of mojeeb, wazapin, not 'mojeb'.
    """
    if value not in allowed:
        raise ApiError(400, "invalid_filter", f"'{name}' must be one of {', '.join(allowed)}, not {value!r}.",
                       field=name, allowed=list(allowed))
    return value


_PHONE_PUNCTUATION = re.compile(r"[\s\-.()]")
_DIGITS = re.compile(r"[0-9]{6,15}")  # E.164 allows at most 15 digits


def normal_phone(value: Any, field: str = "phone", status: int = 422) -> str:
    """One person's number in one spelling, ``+`` and digits: Wazapin's ``6281234567891``,
    ``15551234567`` and ``+1 555-123-4567`` are ``+6281234567891``, ``+15551234567`` and ``+15551234567``.

    >>> normal_phone("6281234567891"), normal_phone(" +1 (555) 123-4567")
    ('+6281234567891', '+15551234567')
    """
    text = _PHONE_PUNCTUATION.sub("", value) if isinstance(value, str) else ""
    digits = text[1:] if text.startswith("+") else text
    if not _DIGITS.fullmatch(digits):
        code = "invalid_filter" if status == 400 else "invalid_phone"
        raise ApiError(status, code, f"'{field}' must be a phone number in E.164 form like +15551234567 "
                       f"(6 to 15 digits, '+' optional), not {value!r}.", field=field)
    return "+" + digits


Check = Callable[[str, Any], tuple[str, Any]]
"""One filter's check: (its name, its value) to (the name it is passed on as, the checked value)."""


def _checked(filters: Mapping[str, Any], checks: Mapping[str, Check]) -> dict[str, Any]:
    # Every filter a list takes, checked by its own rule; an unknown one is refused naming it.
    refuse_unknown_filters(filters, tuple(checks))
    return dict(checks[name](name, value) for name, value in filters.items() if value is not None)


def _choice(allowed: Collection[str], spelling: Callable[[str], str] = str) -> Check:
    return lambda name, value: (name, one_of(name, spelling(str(value)), tuple(allowed)))


def message_filters(filters: Mapping[str, Any], providers: Collection[str]) -> dict[str, str]:
    """The message filters, checked: provider and direction exactly, status in any case, ``to`` normalised.

    Statuses are the emulator's own words (``GET /_emulator/messages`` shows them), matched without
    regard to case so a provider's spelling (``READ``, ``DELIVERED``) finds them too.

    >>> message_filters({"status": "READ", "to": "15551234567"}, ["mojeeb"])
    {'status': 'read', 'to': '+15551234567'}
    """
    return _checked(filters, {
        "provider": _choice(providers), "status": _choice(STATUSES, str.lower),
        "to": lambda name, value: (name, normal_phone(value, name, status=400)), "direction": _choice(DIRECTIONS),
    })


def journal_filters(filters: Mapping[str, Any], providers: Collection[str]) -> dict[str, Any]:
    """The journal filters, checked; the keyword arguments of ``Journal.query`` (``path`` is a substring)."""
    def path(name: str, value: Any) -> tuple[str, Any]:
        if not isinstance(value, str):
            raise ApiError(400, "invalid_filter", "'path' must be text (a part of the path).", field="path")
        return "path_contains", value

    return _checked(filters, {
        "provider": _choice(providers), "method": _choice(METHODS, str.upper), "path": path,
        "status": lambda name, value: (name, bounded_number(name, value, 100, 599)),
        "limit": lambda name, value: (name, bounded_number(name, value, 1, 1_000_000)),
    })


def bounded_number(name: str, value: Any, low: int, high: int) -> int:
    """A query value as a whole number from ``low`` to ``high``, or a 400 naming ``name``.

    >>> bounded_number("limit", "5", 1, 10)
    5
    """
    if isinstance(value, str):
        value = whole_number(value, low, high)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ApiError(400, "invalid_query", f"'{name}' must be a whole number from {low} to {high}.", field=name)
    return value


def delivery_filters(filters: Mapping[str, Any], providers: Collection[str]) -> dict[str, str]:
    """The delivery filters, checked; the keyword arguments of ``Dispatcher.deliveries``."""
    return _checked(filters, {
        "provider": _choice(providers), "message_id": lambda name, value: (name, str(value)),
        "state": _choice(DELIVERY_STATES),
    })
