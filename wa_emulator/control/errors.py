"""The exceptions Python callers of the control API get: the HTTP refusal's code and message, as
a ``ValueError`` (or, for something that does not exist, a ``KeyError``) rather than the HTTP layer's
``ApiError``.

>>> try:
...     with python_errors():
...         raise ApiError(422, "unknown_field", "Unknown fault field 'stauts'.", field="stauts")
... except ValueError as exc:
...     print(type(exc).__name__, exc.code, exc.field, exc)
ControlError unknown_field stauts Unknown fault field 'stauts'.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ..web.http import ApiError


class ControlError(ValueError):
    """A control call refused: ``status`` (the HTTP status it answers with), ``code``, ``message``,
    ``field`` (None when it names none) and ``details`` (the rest of the HTTP error body)."""

    def __init__(self, status: int, code: str, message: str, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = dict(details or {})
        self.field: str | None = self.details.get("field")

    def __str__(self) -> str:
        return self.message

    @classmethod
    def from_api(cls, error: ApiError) -> ControlError:
        """The Python exception for an ``ApiError`` (404: ``ControlNotFound``)."""
        kind = ControlNotFound if error.status == 404 else ControlError
        return kind(error.status, error.code, error.message, error.extra)


class ControlNotFound(ControlError, KeyError):
    """What a control call names does not exist (a message, a fault, a provider): also a ``KeyError``."""

    def __str__(self) -> str:  # KeyError would quote the message
        return self.message


@contextmanager
def python_errors() -> Iterator[None]:
    """Run control actions, re-raising their ``ApiError`` as ``ControlError`` / ``ControlNotFound``."""
    try:
        yield
    except ApiError as exc:
        raise ControlError.from_api(exc) from None
