"""The errors the test kit's Python calls raise, in-process and remote alike.

A control call with bad input raises ``ControlError`` (a ``ValueError``), one naming something
that does not exist raises ``ControlNotFound`` (also a ``KeyError``): the same message and code
the control API answers over HTTP, so ``pytest.raises(ValueError)`` works whichever way a test
drives the emulator.
"""

from __future__ import annotations

from typing import Any

from ..web.http import ApiError


class ControlError(ValueError):
    """A control call refused, with the control API's ``status``, ``code`` and ``message``.

    >>> str(ControlError(422, "invalid_field", "'drop' must be true or false."))
    "'drop' must be true or false."
    """

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.extra = status, code, message, extra

    def __str__(self) -> str:  # KeyError would quote the message; one readable line instead
        return self.message


class ControlNotFound(ControlError, KeyError):
    """A control call naming a message, fault or provider that does not exist (HTTP 404)."""


def control_error(status: int, code: str, message: str, **extra: Any) -> ControlError:
    """The exception for a control API error answer: ``ControlNotFound`` for a 404.

    >>> isinstance(control_error(404, "message_not_found", "No message."), KeyError)
    True
    """
    kind = ControlNotFound if status == 404 else ControlError
    return kind(status, code, message, **extra)


def from_api_error(error: ApiError) -> ControlError:
    """The test kit's exception for an ``ApiError`` the control layer raised."""
    return control_error(error.status, error.code, error.message, **error.extra)
