"""The providers the emulator plays, each mounted under its own prefix."""

from __future__ import annotations

from .base import Provider
from .mojeeb import MojeebProvider
from .qlara import QlaraProvider
from .wazapin import WazapinProvider


def all_providers() -> tuple[Provider, ...]:
    """One fresh instance of every provider, in mount order."""
    return (MojeebProvider(), WazapinProvider(), QlaraProvider())
