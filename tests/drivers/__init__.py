"""Per-provider drivers: what the soak, the bad-input corpus and the benchmarks need to know
about each provider, in one small table each.

Adding a provider is one module here (see ``mojeeb.py``) and one line in ``DRIVERS``:
its routes with a valid request for each, its credentials, how to send and poll, the
order of its status words, and a checker for its error envelope.

>>> sorted(DRIVERS)
['mojeeb', 'qlara', 'wazapin']
"""

from __future__ import annotations

from .base import Driver, Route
from .mojeeb import MojeebDriver
from .qlara import QlaraDriver
from .wazapin import WazapinDriver

DRIVERS: dict[str, Driver] = {driver.name: driver for driver in (MojeebDriver(), WazapinDriver(), QlaraDriver())}

__all__ = ["DRIVERS", "Driver", "Route"]
