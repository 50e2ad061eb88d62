"""The client's own time: a client that honours Retry-After passes on every provider with no wall-clock wait.

The clients below are the code under test: they sleep with ``time.sleep`` / ``asyncio.sleep`` (or an
injected sleeper). The tests assert that the emulated clock moved by the Retry-After and that the
real sleep was never called: no timed assertion.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import requests

from wa_emulator.testing import emulated_sleep

RATE_LIMITED = {  # the sandbox's rate-limited keys (3 requests a minute), and a send each accepts
    "mojeeb": ("/v1/whatsapp/templates", {"Authorization": "Bearer mk_live_SandboxAcmeRateLimited_af3450a674"},
               {"agent_id": "12345678-1234-1234-1234-123456789012", "from": "+15550100001", "to": "+15550001001",
                "template": {"name": "order_shipped", "language": "en"}}),
    "wazapin": ("/v1/messages", {"X-Api-Key": "wzp_sandbox_acme_ratelimited_01"},
                {"channel_id": "wzp_ch_acme_main", "to": "6281234567890", "type": "template",
                 "content": {"template": {"name": "order_update", "language": {"code": "en_US"}}}}),
    "qlara": ("/message-server/whatsapp/send", {"X-Api-Key": "qlara_sandbox_rate_limited_key"},
              {"destination": "+393401234567", "phoneNumberId": 99,
               "template": {"name": "order_shipped", "language": "it", "parameters": ["Sara"]}}),
}
PROVIDERS = list(RATE_LIMITED)


def send_with_retry(url: str, body: Any, headers: dict[str, str], sleep=None, attempts: int = 3) -> requests.Response:
    """A blocking client that honours Retry-After on a 429, as a careful integration does."""
    for _ in range(attempts):
        answer = requests.post(url, json=body, headers=headers, timeout=5)
        if answer.status_code != 429:
            return answer
        (sleep or time.sleep)(float(answer.headers["Retry-After"]))
    return answer


async def asend_with_retry(url: str, body: Any, headers: dict[str, str], attempts: int = 3) -> httpx.Response:
    async with httpx.AsyncClient(timeout=5) as http:
        for _ in range(attempts):
            answer = await http.post(url, json=body, headers=headers)
            if answer.status_code != 429:
                return answer
            await asyncio.sleep(float(answer.headers["Retry-After"]))
    return answer


def exhaust(emu, provider: str) -> float:
    """Spend the key's three calls; the Retry-After the fourth is told."""
    path, headers, body = RATE_LIMITED[provider]
    for _ in range(3):
        assert requests.post(emu.url(provider) + path, json=body, headers=headers, timeout=5).status_code < 300
    limited = requests.post(emu.url(provider) + path, json=body, headers=headers, timeout=5)
    assert limited.status_code == 429
    return float(limited.headers["Retry-After"])


@pytest.fixture
def real_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Every real sleep of more than nothing, made while the test runs (spies under the patcher)."""
    calls: list[float] = []
    real_asleep = asyncio.sleep

    async def spy_asleep(delay: float, result: Any = None) -> Any:
        if delay > 0:
            calls.append(delay)
        return await real_asleep(0, result)

    monkeypatch.setattr(time, "sleep", lambda seconds: calls.append(seconds) if seconds > 0 else None)
    monkeypatch.setattr(asyncio, "sleep", spy_asleep)
    return calls


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_blocking_client_retrying_a_429_sleeps_on_the_emulated_clock(wa_emulator, provider, real_sleeps):
    retry_after = exhaust(wa_emulator, provider)
    path, headers, body = RATE_LIMITED[provider]
    before = wa_emulator.now
    with emulated_sleep(wa_emulator) as sleeps:
        answer = send_with_retry(wa_emulator.url(provider) + path, body, headers)
    assert answer.status_code < 300, answer.text
    assert sleeps.slept == [retry_after]
    assert wa_emulator.now - before == pytest.approx(retry_after)
    assert real_sleeps == []


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_an_async_client_retrying_a_429_sleeps_on_the_emulated_clock(wa_emulator, provider, real_sleeps):
    retry_after = exhaust(wa_emulator, provider)
    path, headers, body = RATE_LIMITED[provider]
    before = wa_emulator.now
    with emulated_sleep(wa_emulator) as sleeps:
        answer = await asend_with_retry(wa_emulator.url(provider) + path, body, headers)
    assert answer.status_code < 300, answer.text
    assert sleeps.slept == [retry_after]
    assert wa_emulator.now - before == pytest.approx(retry_after)
    assert real_sleeps == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_injected_sleeper_advances_the_clock(wa_emulator_sync, provider):
    retry_after = exhaust(wa_emulator_sync, provider)
    path, headers, body = RATE_LIMITED[provider]
    before = wa_emulator_sync.now
    answer = send_with_retry(wa_emulator_sync.url(provider) + path, body, headers, sleep=wa_emulator_sync.sleep)
    assert answer.status_code < 300 and wa_emulator_sync.now - before == pytest.approx(retry_after)


def test_the_fixture_patches_for_the_whole_test(wa_emulator, wa_emulated_sleep):
    before = wa_emulator.now
    time.sleep(90)                     # as the code under test would: the clock moves, the test does not wait
    assert wa_emulated_sleep.slept == [90.0] and wa_emulator.now - before == pytest.approx(90)


async def test_asleep_is_the_awaitable_sleeper(wa_emulator):
    before = wa_emulator.now
    await wa_emulator.asleep("2m")
    assert wa_emulator.now - before == pytest.approx(120)


async def test_an_emulator_on_the_tests_own_loop_refuses_a_blocking_sleep(wa_emulator_inloop):
    with emulated_sleep(wa_emulator_inloop), pytest.raises(RuntimeError, match=r"cannot block: use `await emu\.asleep"):
        time.sleep(5)
    before = wa_emulator_inloop.now
    with emulated_sleep(wa_emulator_inloop) as sleeps:
        await asyncio.sleep(30)
    assert sleeps.slept == [30.0] and wa_emulator_inloop.now - before == pytest.approx(30)
