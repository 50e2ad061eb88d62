"""Memory per stored message, measured in a fresh process as resident-set growth.

``python -m bench.memory N emulator`` stores N template sends the way a provider handler
does (``World.send``: the message, its history and its scheduled lifecycle timers);
``python -m bench.memory N baseline`` stores, for the same N ids, the message's JSON
status body as bytes in a dict: what a naive store would keep. Each prints bytes/message.
"""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys

from wa_emulator.core.clock import ClockMode, ClockSpec
from wa_emulator.core.models import Message, Payload
from wa_emulator.core.world import World, WorldConfig

from .table import Row

_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * _PAGE


def _template(n: int) -> dict[str, object]:
    return {"template": {"name": "order_shipped", "language": "en", "parameters": {"customer_name": f"C{n}"}}}


def fill(count: int, kind: str) -> float:
    """Bytes of resident memory per message after storing ``count`` of them."""
    world = World(WorldConfig(clock=ClockSpec(ClockMode.MANUAL), seed=1))
    now = world.clock.now()
    gc.collect()
    before = rss()
    kept: dict[str, bytes] = {}
    for n in range(count):
        to = f"+1555{n:07d}"
        if kind == "emulator":
            world.send(Message(id=world.ids.uuid(), provider="mojeeb", org_id="org", agent_id="agent",
                               sender="+15550100001", to=to, type="template", created_at=now,
                               template="order_shipped", content=Payload.of(_template(n))))
        else:
            message_id = world.ids.uuid()
            kept[message_id] = json.dumps({
                "id": message_id, "status": "queued", "agent_id": "12345678-1234-1234-1234-123456789012",
                "to": to, "type": "template", "platform_message_id": None, "created_at": "2026-01-01T00:00:00Z",
                "sent_at": None, "failed_at": None, **_template(n),
            }).encode()
    gc.collect()
    return (rss() - before) / count


def measure(count: int) -> Row:
    """Run both kinds in fresh processes (so neither inherits the other's heap)."""
    def child(kind: str) -> float:
        result = subprocess.run([sys.executable, "-m", "bench.memory", str(count), kind], capture_output=True,
                                text=True, check=True, timeout=600)
        return float(result.stdout.strip())

    return Row("-", f"memory per message at {count:,}", "bytes", child("emulator"), child("baseline"),
               "status JSON in a dict", "<= 1 KB", lambda r: r.value <= 1024)


if __name__ == "__main__":
    print(f"{fill(int(sys.argv[1]), sys.argv[2]):.1f}")
