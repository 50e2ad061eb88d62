"""The seed the server is started with wins over a scenario's, and the banner says which is in force."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from tests.support.mojeeb import MojeebClient
from wa_emulator.app import create_app
from wa_emulator.cli import banner
from wa_emulator.settings import Settings
from wa_emulator.testing.emulator import Emulator

SCENARIO = "version: 1\nname: seeded\n{seed}contacts: {{'+15550001000': {{last_inbound: -1h}}}}\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, str]:
    """The same scenario with seed 7 and without a seed."""
    found = {}
    for label, seed in [("seed 7", "seed: 7\n"), ("no seed", "")]:
        path = tmp_path / f"{label.replace(' ', '-')}.yaml"
        path.write_text(SCENARIO.format(seed=seed))
        found[label] = str(path)
    return found


async def _ids(http: aiohttp.ClientSession, scenario: str, seed: int | None, tmp: Path) -> list[str]:
    """A send's id, the contact's generated name, then the same again after a reset, and after the
    scenario is loaded again over the control API."""
    found: list[str] = []
    async with Emulator(seed=seed, scenario=scenario, scenario_dirs=(tmp,)) as emu:
        for again in ("start", "reset", "reload"):
            if again == "reset":
                await http.post(f"{emu.base_url}/_emulator/reset")
            if again == "reload":
                await http.post(f"{emu.base_url}/_emulator/scenario", json={"path": Path(scenario).name})
            client = await MojeebClient(emu, http).start()
            found.append((await client.send_text("+15550001000")).id or "")
            async with http.get(f"{emu.base_url}/_emulator/contacts") as response:
                found.append((await response.json())["data"][0]["name"])
    return found


async def test_the_server_seed_wins_over_the_scenario_seed(
    http: aiohttp.ClientSession, files: dict[str, str], tmp_path: Path
) -> None:
    server_5_scenario_7 = await _ids(http, files["seed 7"], 5, tmp_path)
    server_5_alone = await _ids(http, files["no seed"], 5, tmp_path)
    scenario_7_alone = await _ids(http, files["seed 7"], None, tmp_path)
    assert server_5_scenario_7 == server_5_alone
    assert server_5_scenario_7[0::2] == [server_5_scenario_7[0]] * 3  # the same after a reset and a reload
    assert scenario_7_alone == await _ids(http, files["seed 7"], None, tmp_path)  # the scenario's seed still works
    assert not set(scenario_7_alone) & set(server_5_scenario_7)


def test_the_banner_shows_the_seed_in_force_and_where_it_comes_from(files: dict[str, str]) -> None:
    def seed_line(**settings: object) -> str:
        text = banner(create_app(Settings(port=0, **settings)), "127.0.0.1", 8066)  # type: ignore[arg-type]
        return next(line.strip() for line in text.splitlines() if line.strip().startswith("seed "))

    assert seed_line(seed=5, scenario=files["seed 7"]) == "seed     5 (from --seed)"
    assert seed_line(scenario=files["seed 7"]) == "seed     7 (from the scenario)"
    assert seed_line(scenario=files["no seed"]) == "seed     none (ids differ from run to run)"
