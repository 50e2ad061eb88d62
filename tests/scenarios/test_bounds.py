"""Scenario text is bounded: alias bombs, control characters and oversized text get a clear refusal."""

from __future__ import annotations

import io
import os
import tracemalloc
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from wa_emulator.cli import main
from wa_emulator.scenario import ScenarioError, load_text
from wa_emulator.scenario.bounded import MAX_SCENARIO_BYTES, MAX_VALUES
from wa_emulator.testing.emulator import Emulator


def alias_bomb(levels: int = 9) -> str:
    """Each level lists the one before nine times: 9**9 values from a few hundred bytes."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for previous, name in list(zip("abcdefgh", "bcdefghi", strict=True))[: levels - 1]:
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    return "\n".join(lines) + "\n"


async def call(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.json(content_type=None)


def refusal(text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "x.yaml")
    return caught.value


def test_an_alias_bomb_is_refused_at_the_alias_that_passes_the_limit_without_growing_memory() -> None:
    bomb = alias_bomb()
    assert len(bomb.encode()) < 400
    tracemalloc.start()
    try:
        error = refusal(bomb)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(error) == (
        f"x.yaml:5:28: (syntax): not valid YAML: the alias *d makes the scenario more than {MAX_VALUES:,} values "
        "(an alias counts everything it names, each time it is used)"
    )
    assert peak < 4 * 1024 * 1024


def test_an_alias_inside_what_it_names_is_refused() -> None:
    assert str(refusal("version: 1\nname: x\ndescription: &d [*d]\n")) == (
        "x.yaml:3:18: (syntax): not valid YAML: the alias *d refers to a list or mapping that contains it"
    )


def test_aliases_within_the_limit_still_work() -> None:
    text = "version: 1\nname: shared\ncontacts:\n  '+15550001000': &c {last_inbound: -1h}\n  '+15550001001': *c\n"
    assert [contact.phone for contact in load_text(text).contacts] == ["+15550001000", "+15550001001"]


def test_a_flat_list_longer_than_the_limit_is_refused_where_it_passes_the_limit() -> None:
    text = "version: 1\nname: long\ndescription:\n" + "- 1\n" * (MAX_VALUES + 10)
    error = refusal(text)
    assert error.field == "(syntax)" and MAX_VALUES - 10 < (error.line or 0) <= MAX_VALUES + 3  # not at the end
    assert f"more than {MAX_VALUES:,} values" in error.message


@pytest.mark.parametrize(("character", "code"), [("\x00", "0000"), ("\x07", "0007"), ("\x1b", "001B")])
def test_a_control_character_names_its_line_and_column(character: str, code: str) -> None:
    error = refusal(f"version: 1\nname: x\ndescription: ab{character}c\n")
    assert str(error) == (
        f"x.yaml:3:16: (syntax): not valid YAML: the control character U+{code} is not allowed in YAML "
        f'(write it as "\\x{code[2:].lower()}" inside double quotes)'
    )


def test_text_over_the_size_limit_is_refused_before_it_is_read() -> None:
    error = refusal("version: 1\nname: big\ndescription: '" + "x" * MAX_SCENARIO_BYTES + "'\n")
    assert (error.field, error.message) == ("(file)", "larger than the 1 MiB a scenario may be")


def test_a_long_wrong_value_is_quoted_only_in_part() -> None:
    error = refusal("version: 1\nname: x\nseed: '" + "s" * 500 + "'\n")
    assert error.message == f"expected a whole number, got {'s' * 40!r}… (500 characters)"
    assert refusal("just a line of someone's file\n").message.endswith("at the top, got text")


async def test_a_bomb_posted_to_the_control_api_is_a_422_and_the_scenario_in_force_stays(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    assert (await call(http, "POST", url, json={"name": "read-receipts-off"}))[0] == 201
    status, body = await call(http, "POST", url, data=alias_bomb())
    assert status == 422
    error = body["error"]
    assert (error["code"], error["file"], error["line"], error["column"], error["field"]) == (
        "invalid_scenario", "<request body>", 5, 28, "(syntax)")
    status, body = await call(http, "POST", url, data="version: 1\nname: x\ndescription: a\x07b\n")
    assert status == 422 and (body["error"]["line"], body["error"]["column"]) == (3, 15)
    assert "U+0007" in body["error"]["message"]
    assert (await call(http, "GET", url))[1]["name"] == "read-receipts-off"
    assert (await call(http, "GET", f"{emu.base_url}/_emulator/health"))[0] == 200


async def test_a_body_over_the_size_limit_is_refused_and_the_scenario_in_force_stays(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    await call(http, "POST", url, json={"name": "read-receipts-off"})
    body = io.BytesIO(b"version: 1\nname: big\ndescription: " + b"x" * MAX_SCENARIO_BYTES)
    status, _ = await call(http, "POST", url, data=body)
    assert status in (413, 422)
    assert (await call(http, "GET", url))[1]["name"] == "read-receipts-off"


def test_validate_refuses_a_bomb_a_control_character_a_big_file_a_fifo_and_a_device_in_one_line_each(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bomb, bell = tmp_path / "bomb.yaml", tmp_path / "bell.yaml"
    bomb.write_text(alias_bomb())
    bell.write_text("version: 1\nname: x\ndescription: \x07\n")
    big, fifo = tmp_path / "big.yaml", tmp_path / "fifo.yaml"
    big.write_text("version: 1\nname: big\ndescription: " + "x" * MAX_SCENARIO_BYTES + "\n")
    os.mkfifo(fifo)  # nobody writes to it: reading it would wait forever
    for path, expected in [
        (str(big), f"error: {big}: (file): larger than the 1 MiB a scenario may be"),
        (str(fifo), f"error: {fifo}: (file): not a regular file"),
        (str(bomb), f"error: {bomb}:5:28: (syntax): not valid YAML: the alias *d makes the scenario more than"),
        (str(bell), f"error: {bell}:3:14: (syntax): not valid YAML: the control character U+0007"),
        ("/dev/zero", "error: /dev/zero: (file): not a regular file"),
    ]:
        assert main(["validate", path]) == 1
        err = capsys.readouterr().err
        assert err.startswith(expected) and err.count("\n") == 1, err


def test_without_libyaml_the_same_limits_and_messages_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    from wa_emulator.scenario import loader

    texts = (alias_bomb(), "version: 1\nname: x\ndescription: \x00\n", "version: 1\nname: x\ncontacts: {a: [1, 2}\n")
    as_read_by_default = [str(refusal(text)) for text in texts]
    monkeypatch.setattr(loader, "_FAST", loader._Loader)  # PyYAML's Python parser only
    assert [str(refusal(text)) for text in texts] == as_read_by_default
    assert load_text("version: 1\nname: x\nseed: &a 3\ndescription: x\n").seed == 3
