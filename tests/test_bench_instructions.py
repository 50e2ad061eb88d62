"""The instruction-count bench runs what it says: every target answers the real route, and a
send's count includes the lifecycle it starts."""

from __future__ import annotations

import aiohttp
import pytest

from bench import instructions
from bench.protocol import started
from bench.server import floor_app
from wa_emulator.core.status import Status
from wa_emulator.web import keys


async def test_the_floor_answers_each_recorded_route_with_the_recorded_bytes():
    recorded = {"mojeeb": {"status_path": "/mojeeb/v1/whatsapp/messages/0b6f9a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b",
                           "status_body": '{"status":"read"}', "send_path": "/mojeeb/v1/whatsapp/templates",
                           "send_status": 202, "send_body": '{"status":"queued"}'}}
    runner, port = await started(floor_app(recorded))
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(base + recorded["mojeeb"]["status_path"]) as response:
                assert (response.status, await response.text()) == (200, '{"status":"read"}')
            async with http.post(base + "/mojeeb/v1/whatsapp/templates", json={"to": "+1"}) as response:
                assert (response.status, await response.text()) == (202, '{"status":"queued"}')
            # Through the provider's own route table: a path it lacks is a miss its front door renders.
            async with http.get(base + "/mojeeb/v1/nothing") as response:
                assert response.status == 404
    finally:
        await runner.cleanup()


@pytest.mark.parametrize("route", ["mojeeb-send", "wazapin-send", "qlara-send"])
async def test_an_emulator_send_run_fires_every_lifecycle_step_it_scheduled(route):
    app = await instructions.answer("emulator", route, 20)
    messages = list(app[keys.world].store)
    assert len(messages) >= 2 * 20  # the warm-up round and the counted one, plus the recording's sends
    assert {message.status for message in messages} == {Status.READ}


@pytest.mark.parametrize("target", ["floor", "ceiling"])
async def test_the_baselines_answer_the_status_route_with_2xx(target):
    # cpu_per_request refuses any answer that is not 2xx, so returning at all is the assertion's
    # first half; the second is that the emulator recorded a real message to look up.
    app = await instructions.answer(target, "qlara-status", 20)
    assert len(list(app[keys.world].store)) >= 1


def test_without_valgrind_it_says_so_in_one_line_and_exits_1(monkeypatch, capsys):
    monkeypatch.setattr(instructions.shutil, "which", lambda name: None)
    assert instructions.main(["mojeeb-status"]) == 1
    assert capsys.readouterr().err.strip().count("\n") == 0


def test_an_unknown_route_is_refused_with_the_known_ones_listed(capsys):
    with pytest.raises(SystemExit) as exit_info:
        instructions.main(["mojeeb-stats"])
    assert exit_info.value.code == 2
    assert "mojeeb-status" in capsys.readouterr().err


def test_the_per_request_figure_cancels_start_up():
    # 40 requests cost 4,000 more than 10: start-up and warm-up (1,000,000) drop out.
    assert instructions.per_request(1_000_000 + 10 * 100, 1_000_000 + 50 * 100, 10) == 100


async def test_a_lookup_run_reads_a_message_that_has_walked_its_whole_timeline():
    app = await instructions.answer("emulator", "wazapin-status", 20)
    assert {message.status for message in app[keys.world].store} == {Status.READ}
