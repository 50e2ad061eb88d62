"""The errors the test kit's Python calls raise, in-process and remote alike.

A control call with bad input raises ``ControlError`` (a ``ValueError``), one naming something
that does not exist raises ``ControlNotFound`` (also a ``KeyError``): the same message and code
the control API answers over HTTP, so ``pytest.raises(ValueError)`` works whichever way a test
drives the emulator. The classes live with the control API (``wa_emulator.control.errors``).
"""

from __future__ import annotations

from typing import Any

from ..control.errors import ControlError, ControlNotFound
from ..web.http import ApiError

__all__ = ["ControlError", "ControlNotFound", "control_error", "from_api_error"]


def control_error(status: int, code: str, message: str, **extra: Any) -> ControlError:
    """The exception for a control API error answer: ``ControlNotFound`` for a 404.

    >>> isinstance(control_error(404, "message_not_found", "No message."), KeyError)
    True
    """
    kind = ControlNotFound if status == 404 else ControlError
    return kind(status, code, message, extra)


def from_api_error(error: ApiError) -> ControlError:
    """The test kit's exception for an ``ApiError`` the control layer raised."""
    return ControlError.from_api(error)
