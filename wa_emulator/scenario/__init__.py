"""Scenarios: YAML files that script what happens to messages (see scenarios/README.md).

>>> from wa_emulator.scenario import load_scenario, install
>>> load_scenario("sandbox").name
'sandbox'
"""

from .engine import current, install, seed_in_force
from .errors import ScenarioError
from .loader import bundled, load_bundled, load_from, load_scenario, load_text
from .model import Scenario

__all__ = ["Scenario", "ScenarioError", "bundled", "current", "install", "load_bundled", "load_from", "load_scenario",
           "load_text", "seed_in_force"]
