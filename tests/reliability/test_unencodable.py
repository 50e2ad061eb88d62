"""Text no UTF-8 encoder can write (a lone UTF-16 surrogate, valid JSON as ``"\\ud800"``) is refused at the door.

Every route that takes a body, of every provider and of the control API, is found in the
operations tables, so a new route is covered without touching this file. Each must refuse
the text with a 4xx in its API's own envelope naming the field, store nothing, and leave
every read endpoint answering 200.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterator
from typing import Any

import aiohttp
import pytest
from yarl import URL

from wa_emulator.control.operations import API as CONTROL
from wa_emulator.core.webhooks import DEFAULT_CAP
from wa_emulator.providers.mojeeb.operations import API as MOJEEB
from wa_emulator.providers.qlara.operations import API as QLARA
from wa_emulator.providers.wazapin.operations import API as WAZAPIN
from wa_emulator.testing.emulator import Emulator
from wa_emulator.web.operations import ApiDescription, Operation

from ..support import CLIENTS

APIS: dict[str, ApiDescription] = {"mojeeb": MOJEEB, "wazapin": WAZAPIN, "qlara": QLARA, "control": CONTROL}
LONE = "\ud800"
# Body-less actions: the body is not read, so it is ignored (and cannot be stored).
NO_BODY = {("control", "reset"), ("wazapin", "rotateSecret"), ("wazapin", "sendTestEvent"),
           ("wazapin", "retryDeliveries"),
           # A request bin keeps the bytes it was sent, never parsed (an escape stays ASCII text): not refused.
           ("control", "binReceive"),
           # An upload is multipart/form-data, never parsed as JSON: a JSON body is refused 415 whatever it holds.
           ("wazapin", "uploadMedia")}
# Query strings a read needs to answer 200, with {placeholders} from the ids the setup made.
QUERIES = {("qlara", "getStatuses"): "ids={customerMessageId}", ("qlara", "getStatus"): "channel=WHATSAPP",
           ("qlara", "getHistory"): "channel=WHATSAPP&from=1970-01-01T00:00:00Z&to=9999-12-31T23:59:59Z"}
GENERIC_BODY: dict[str, Any] = {"name": "x", "from": "+15551234567", "provider": "mojeeb", "text": "x",
                                "method": "POST", "mode": "manual", "message_id": "x", "seconds": 1}


def writes(api_name: str) -> Iterator[Any]:
    for op in APIS[api_name].operations:
        if op.method in ("post", "put", "patch") and (api_name, op.operation_id) not in NO_BODY:
            yield pytest.param(api_name, op, id=f"{api_name}-{op.operation_id}")


WRITES = [param for name in APIS for param in writes(name)]


def string_paths(value: Any, path: str = "") -> list[str]:
    """The paths of the string leaves of ``value``, in order (keys joined with dots, items as ``[n]``)."""
    if isinstance(value, str):
        return [path]
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [found for key, child in items
            for found in string_paths(child, f"{path}[{key}]" if isinstance(key, int) else
                                      f"{path}.{key}" if path else key)]


def poisoned(value: Any, path: str) -> Any:
    """``value`` with the string at ``path`` given a lone surrogate."""
    if not path:
        return value + LONE
    head, rest = re.match(r"(\[\d+\]|[^.[]+)\.?(.*)", path).groups()  # type: ignore[union-attr]
    copy = json.loads(json.dumps(value))
    key: Any = int(head[1:-1]) if head.startswith("[") else head
    copy[key] = poisoned(copy[key], rest)
    return copy


class Sandbox:
    """The emulator with a message of each provider and a webhook of each, and the ids the routes need."""

    def __init__(self, emu: Emulator, http: aiohttp.ClientSession) -> None:
        self.emu, self.http = emu, http
        self.ids: dict[tuple[str, str], str] = {}

    def url(self, api_name: str, op: Operation, query: str = "") -> str:
        base = self.emu.base_url + "/_emulator" if api_name == "control" else self.emu.url(api_name)
        path = re.sub(r"{([^}]+)}", lambda m: self.ids[(api_name, m.group(1))], op.path)
        values = {name: value for (api, name), value in self.ids.items() if api == api_name}
        query = query or QUERIES.get((api_name, op.operation_id), "").format(**values)
        return base + path + (f"?{query}" if query else "")

    async def call(self, api_name: str, op: Operation, body: str | None = None) -> tuple[int, Any, bytes]:
        headers = {**APIS[api_name].sandbox_headers}
        if body is not None:
            headers["Content-Type"] = "application/json"
        async with self.http.request(op.method.upper(), self.url(api_name, op), data=body,
                                     headers=headers) as response:
            return response.status, response.headers, await response.read()

    async def setup(self) -> None:
        for name in CLIENTS:
            CLIENTS[name](self.emu, self.http).unlimit(self.emu.world, DEFAULT_CAP)
        self.ids[("control", "phone")] = "+15551234567"
        self.ids[("control", "name")] = "control"
        for api_name in ("mojeeb", "wazapin", "qlara"):
            api = APIS[api_name]
            send = next(op for op in api.operations if op.operation_id in ("sendMessage", "sendWhatsapp"))
            example = dict(send.example or {})
            if api_name == "qlara":
                example["messageId"] = "ref-1"  # its customerMessageId
            status, _, raw = await self.call(api_name, send, json.dumps(example))
            assert status < 300, raw
            answer = json.loads(raw)
            message_id = {"mojeeb": lambda a: a["id"], "wazapin": lambda a: a["data"]["id"],
                          "qlara": lambda a: a["messageId"]}[api_name](answer)
            self.ids[(api_name, "id")] = self.ids[(api_name, "messageId")] = message_id
        self.ids[("qlara", "customerMessageId")] = "ref-1"
        self.ids[("wazapin", "channel_id")] = "wzp_ch_acme_main"  # the sandbox main channel
        self.ids[("wazapin", "key_id")] = "key_0"
        self.ids[("wazapin", "kind")] = "image"
        self.ids[("control", "id")] = next(iter(self.emu.world.store)).id
        hook = {"url": "http://127.0.0.1:9/hook", "disabled": True}
        status, _, raw = await self.call("wazapin", WAZAPIN.operation("createEndpoint"), json.dumps(hook))
        assert status == 201, raw
        self.ids[("wazapin", "endpoint_id")] = json.loads(raw)["data"]["id"]
        status, _, raw = await self.call("qlara", QLARA.operation("createWebhook"),
                                         json.dumps(QLARA.operation("createWebhook").example))
        assert status < 300, raw
        status, _, raw = await self.call("qlara", QLARA.operation("addContact"),
                                         json.dumps(QLARA.operation("addContact").example))
        assert status == 201, raw
        self.ids[("qlara", "contactId")] = str(json.loads(raw)["id"])
        status, _, raw = await self.call("qlara", QLARA.operation("sendRcs"),
                                         json.dumps(QLARA.operation("sendRcs").example))
        assert status == 200, raw
        self.ids[("qlara", "rcsMessageId")] = json.loads(raw)["messageId"]
        await self.emu.advance(2)

    async def reads(self) -> dict[str, tuple[int, Any]]:
        """Every GET operation's status and body (the journal only by status: refused calls go there)."""
        seen: dict[str, tuple[int, Any]] = {}
        for api_name, api in APIS.items():
            for op in api.operations:
                # The CA certificate exists only under serve --tls; this emulator serves plain HTTP.
                if op.method == "get" and op.media_type is None:
                    status, _, raw = await self.call(api_name, op)
                    keep = op.operation_id not in ("journal",) and not raw.startswith(b"{\"openapi\"")
                    seen[f"{api_name} {op.operation_id}"] = (status, json.loads(raw) if keep else None)
        return seen


@pytest.fixture
async def sandbox(emu: Emulator, http: aiohttp.ClientSession) -> AsyncIterator[Sandbox]:
    box = Sandbox(emu, http)
    await box.setup()
    yield box


@pytest.mark.parametrize("where", ["first", "last", "key"])
@pytest.mark.parametrize(("api_name", "op"), WRITES)
async def test_a_lone_surrogate_is_refused_naming_the_field_and_nothing_changes(
    sandbox: Sandbox, api_name: str, op: Operation, where: str,
) -> None:
    before = await sandbox.reads()
    assert {name: status for name, (status, _) in before.items() if status != 200} == {}
    body = dict(op.example) if op.example else GENERIC_BODY
    paths = string_paths(body)
    if where == "key":
        sent, named = {**body, f"note{LONE}": "x"}, "note\\\\ud800"  # shown escaped: \\ud800 in the JSON text
    else:
        named = paths[0] if where == "first" else paths[-1]
        sent = poisoned(body, named)
    status, headers, raw = await sandbox.call(api_name, op, json.dumps(sent))
    assert 400 <= status < 500, raw
    assert named in raw.decode(), raw  # the message (and, where the API has one, the field member) names it
    if api_name in CLIENTS:
        CLIENTS[api_name](sandbox.emu, sandbox.http).check_error(status, headers, raw)
    else:
        assert json.loads(raw)["error"]["code"] == "unencodable_text"
    assert await sandbox.reads() == before


async def test_undecodable_escapes_in_paths_and_queries_stay_escaped_and_poison_nothing(sandbox: Sandbox) -> None:
    # %ED%A0%80 is a surrogate's UTF-8 form, which no decoder accepts: the URL keeps it percent-escaped.
    bad = "%ED%A0%80"
    before = await sandbox.reads()
    for api_name, api in APIS.items():
        for op in api.operations:
            if op.method == "get" and op.path_parameters():
                ids = dict(sandbox.ids)
                sandbox.ids.update({(api_name, name): bad for name in op.path_parameters()})
                url = sandbox.url(api_name, op, query=f"x={bad}&limit={bad}")
                sandbox.ids = ids
                async with sandbox.http.get(URL(url, encoded=True),
                                            headers=api.sandbox_headers) as response:
                    assert response.status < 500, await response.text()
    assert await sandbox.reads() == before
    async with sandbox.http.get(f"{sandbox.emu.base_url}/_emulator/journal") as response:
        assert response.status == 200
        assert bad in await response.text()
