"""``POST /_emulator/scenario`` reads files only from ``--scenario-dir`` and never shows what a file holds."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from wa_emulator.app import create_app
from wa_emulator.cli import main
from wa_emulator.scenario import current
from wa_emulator.settings import Settings
from wa_emulator.testing.emulator import Emulator
from wa_emulator.web import keys

NOT_ALLOWED = "<request body>: path: not in the bundled library or a --scenario-dir"
SECRET = "API_TOKEN=s3cr3t-do-not-show"


async def call(http: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> tuple[int, Any]:
    async with http.request(method, url, **kwargs) as response:
        return response.status, await response.json()


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``allowed/`` holds scenarios, a .env, a FIFO, a directory and a link out; ``outside/`` a secret."""
    allowed, outside = tmp_path / "allowed", tmp_path / "outside"
    allowed.mkdir()
    outside.mkdir()
    (allowed / "mine.yaml").write_text("version: 1\nname: mine\n")
    (allowed / "nested").mkdir()
    (allowed / "nested" / "deep.yml").write_text("version: 1\nname: deep\n")
    (allowed / "broken.yaml").write_text(f"version: 1\nname: broken\nseed: {SECRET}\n")
    (allowed / ".env").write_text(SECRET + "\n")
    (allowed / "folder.yaml").mkdir()
    os.mkfifo(allowed / "pipe.yaml")
    (outside / "secret.yaml").write_text(SECRET + "\n")
    (allowed / "link.yaml").symlink_to(outside / "secret.yaml")
    (allowed / "outlink").symlink_to(outside)
    return tmp_path


@pytest.fixture
async def emu(layout: Path) -> AsyncIterator[Emulator]:
    async with Emulator(scenario_dirs=(layout / "allowed",)) as emulator:
        yield emulator


async def test_files_in_a_scenario_dir_load_by_relative_or_absolute_path(
    emu: Emulator, http: aiohttp.ClientSession, layout: Path
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    for ref, name in [("mine.yaml", "mine"), (str(layout / "allowed" / "mine.yaml"), "mine"),
                      ("nested/deep.yml", "deep"), ("nested/../mine.yaml", "mine")]:
        status, body = await call(http, "POST", url, json={"path": ref})
        assert (status, body["name"]) == (201, name), ref


async def test_anything_else_gets_one_message_that_shows_nothing_of_the_file(
    emu: Emulator, http: aiohttp.ClientSession, layout: Path
) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    await call(http, "POST", url, json={"path": "mine.yaml"})
    refs = ["/etc/passwd", "/etc/hostname", "/no/such/file.yaml", "/dev/zero", str(layout / "outside" / "secret.yaml"),
            "../outside/secret.yaml", "link.yaml", "outlink/secret.yaml", "pipe.yaml", "folder.yaml", ".env",
            "missing.yaml", "mine.yaml\x00.yaml", "", "x" * 5000 + ".yaml"]
    answers = []
    for ref in refs:
        status, body = await call(http, "POST", url, json={"path": ref})
        assert status == 422, ref
        assert body["error"]["message"].startswith(NOT_ALLOWED), (ref, body)
        assert body["error"]["field"] == "path" and "s3cr3t" not in str(body) and "root:" not in str(body)
        answers.append(body["error"]["message"].replace(" (a scenario file's name ends in .yaml, .yml, .json)", ""))
    assert set(answers) == {NOT_ALLOWED}  # existing or not, outside or not: the same words
    assert (await call(http, "GET", url))[1]["name"] == "mine"


async def test_a_name_only_ever_means_a_bundled_scenario(emu: Emulator, http: aiohttp.ClientSession) -> None:
    url = f"{emu.base_url}/_emulator/scenario"
    for name in ["/etc/passwd", "../../etc/passwd", "mine", "mine.yaml", ".env"]:
        status, body = await call(http, "POST", url, json={"name": name})
        assert status == 422 and body["error"]["message"].startswith("<request body>: name: no bundled scenario"), name
    assert (await call(http, "POST", url, json={"name": "happy-path"}))[0] == 201


async def test_a_bad_file_in_a_scenario_dir_names_file_line_and_field_but_quotes_little(
    emu: Emulator, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, "POST", f"{emu.base_url}/_emulator/scenario", json={"path": "broken.yaml"})
    assert status == 422
    assert body["error"]["message"] == f"broken.yaml:3:7: seed: expected a whole number, got {SECRET!r}"
    assert (body["error"]["file"], body["error"]["line"], body["error"]["field"]) == ("broken.yaml", 3, "seed")


async def test_without_a_scenario_dir_no_path_is_read(http: aiohttp.ClientSession, layout: Path) -> None:
    async with Emulator() as emu:
        status, body = await call(http, "POST", f"{emu.base_url}/_emulator/scenario",
                                  json={"path": str(layout / "allowed" / "mine.yaml")})
    assert status == 422
    assert body["error"]["message"] == NOT_ALLOWED + " (this server was started without --scenario-dir)"


def test_the_operator_may_still_start_with_any_file(layout: Path) -> None:
    app = create_app(Settings(port=0, scenario=str(layout / "outside" / ".." / "allowed" / "nested" / "deep.yml")))
    assert current(app[keys.world]).name == "deep"


def test_scenario_dir_is_repeatable_and_must_be_a_directory(layout: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from wa_emulator.cli import build_parser

    args = build_parser().parse_args(["serve", "--scenario-dir", str(layout / "allowed"),
                                      "--scenario-dir", str(layout / "outside")])
    assert args.scenario_dirs == [layout / "allowed", layout / "outside"]
    assert main(["serve", "--scenario-dir", str(layout / "allowed" / "mine.yaml")]) == 2
    assert capsys.readouterr().err == (
        f"error: wa-emulator serve: argument --scenario-dir: '{layout / 'allowed' / 'mine.yaml'}' "
        "is not a directory (see --help)\n"
    )
