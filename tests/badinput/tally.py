"""``python -m tests.badinput.tally``: the whole bad-input corpus once, its answers counted by class.

Prints one JSON object (``probes``, ``4xx``, ``5xx``…); ``bench/reliability.py`` runs it for its
table, as a command, since the benchmarks import nothing from the tests.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import aiohttp

from wa_emulator.core.webhooks import DEFAULT_CAP
from wa_emulator.testing.emulator import Emulator

from ..support import CLIENTS
from .corpus import CASES, Target
from .test_corpus import answer


async def tally() -> Counter[str]:
    """Every probe of the corpus against every route of every provider: answers by class."""
    counts: Counter[str] = Counter()
    async with Emulator(strict=True) as emu, aiohttp.ClientSession() as http:
        for provider, client_type in CLIENTS.items():
            client = client_type(emu, http)
            client.unlimit(emu.world, DEFAULT_CAP)
            message_id = await client.send("+15551230001")
            for route in client.routes:
                for case in CASES.values():
                    for probe in case(Target(client, route, message_id)):
                        status, _, _ = await answer(http, emu.url(provider), probe)
                        counts["probes"] += 1
                        counts[f"{status // 100}xx"] += 1
    return counts


if __name__ == "__main__":
    print(json.dumps(asyncio.run(tally())))
