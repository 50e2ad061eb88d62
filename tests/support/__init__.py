"""What the tests share: one client per provider, speaking HTTP to the emulator as a real client would.

Adding a provider is one module here (see ``mojeeb.py``) and one line in ``CLIENTS``: its routes
with a valid request for each, its credentials, how to send and poll, its status words and
their order, where its webhooks say what, and a checker for its error envelope.

>>> list(CLIENTS)
['mojeeb', 'wazapin', 'qlara']
"""

from __future__ import annotations

from .base import Answer, Client, Route, Sent
from .mojeeb import MojeebClient
from .qlara import QlaraClient
from .wazapin import WazapinClient

CLIENTS: dict[str, type[Client]] = {client.provider: client for client in (MojeebClient, WazapinClient, QlaraClient)}

__all__ = ["CLIENTS", "Answer", "Client", "Route", "Sent"]
