"""Every control-API call README.md names exists: a newcomer pasting one never meets a 404 or 405."""

import re
from pathlib import Path

from wa_emulator.control.operations import API

README = Path(__file__).resolve().parents[2] / "README.md"
METHOD = r"(?:GET|POST|PUT|DELETE|PATCH)"
# "`GET /_emulator/x`", and the shorthand "`GET`, `POST`, `DELETE /_emulator/x`" for three methods on one path.
CALL = re.compile(rf"((?:`{METHOD}`, )*)`({METHOD}) (/_emulator/[^`\s]*)`")
SAMPLES = {"{id}": "01c45011-d803-4eb0-a762-3228a4c392f3", "{phone}": "+15550001001", "{provider}": "mojeeb",
           "{name}": "demo", "{org}": "org_acme01"}


def raw_calls() -> list[tuple[str, str]]:
    """Each (method, path) the README names, placeholders as written and ``[/{id}]`` giving both forms."""
    calls = []
    for shared, last, path in CALL.findall(README.read_text()):
        for method in [*re.findall(METHOD, shared), last]:
            calls += [(method, re.sub(r"\[(.*?)\]", "", path)), (method, re.sub(r"\[(.*?)\]", r"\1", path))]
    return sorted(set(calls))


def documented_calls() -> list[tuple[str, str]]:
    """Each (method, path) in the README, with ``[/{id}]`` giving both forms and placeholders filled in."""
    calls = []
    for method, variant in raw_calls():
        for placeholder, sample in SAMPLES.items():
            variant = variant.replace(placeholder, sample)
        calls.append((method, variant))
    return sorted(set(calls))


async def test_every_control_call_in_the_readme_is_routed(http, emu):
    calls = documented_calls()
    assert ("PUT", "/_emulator/contacts/+15550001001") in calls and len(calls) >= 15
    for method, path in calls:
        body = None if method == "GET" else {}
        async with http.request(method, emu.base_url + path, json=body) as response:
            # 422 (an empty body) or 404 for a message the plain emulator lacks are fine; a missing route is not.
            assert response.status != 405, (method, path)
            if response.status == 404:
                assert (await response.json())["error"]["code"] != "route_not_found", (method, path)


def test_every_control_operation_is_in_the_readme():
    """The reverse: an operation added to control/operations.py without a README line fails here."""
    def shape(path: str) -> str:
        return re.sub(r"\{\w+\}", "{}", path)

    documented = {(method, shape(path)) for method, path in raw_calls()}
    missing = [f"{op.method.upper()} /_emulator{op.path}" for op in API.operations
               if (op.method.upper(), shape("/_emulator" + op.path)) not in documented]
    assert not missing, "README.md's control API table lacks:\n" + "\n".join(missing)
