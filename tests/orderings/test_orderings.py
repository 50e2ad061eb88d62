"""wa_orderings as a user meets it: the failure report, rerunning one order, sampling, bad input."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wa_emulator.testing.orderings import Order, Space, Token, explore_orders

ROOT = Path(__file__).parents[2]
USER_TEST = '''
import pytest
from examples.clients import Integration
from examples.trackers import LastWriteWins
from wa_emulator.testing.converge import converges


@pytest.mark.wa_orderings(duplicates=0, drops=0, early=False)
async def test_tracker(wa_orderings):
    async def body(run):
        tracker = LastWriteWins()
        async with Integration("wazapin", run.emulator.url("wazapin"), tracker) as app:
            await app.send_template("+15550001005")
            await run.deliver()
            converges(run.emulator, tracker.view())
    await wa_orderings.explore(body)
'''


def test_a_failure_prints_the_order_and_a_command_that_reruns_just_it(run_user_tests, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))  # the user's test imports examples/
    result = run_user_tests(USER_TEST)
    result.assert_outcomes(failed=1)
    output = result.stdout.str()
    assert "ordering 2 of 6 failed: m1: sent, read, delivered" in output
    command = re.search(r"run just this one: pytest '([^']+)' (--wa-ordering=\S+)", output)
    assert command is not None, output
    assert command.group(1) == "test_user.py::test_tracker"
    again = run_user_tests(USER_TEST, command.group(1), command.group(2))
    again.assert_outcomes(failed=1)
    assert "ordering 1 failed: m1: sent, read, delivered" in again.stdout.str()
    passing = run_user_tests(USER_TEST, "--wa-ordering=m1sent_m1delivered_m1read")
    passing.assert_outcomes(passed=1)


def test_an_order_that_does_not_fit_the_test_says_what_the_test_sent(run_user_tests, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(ROOT))
    result = run_user_tests(USER_TEST, "--wa-ordering=m2read")
    result.assert_outcomes(failed=1)
    assert "the order has m2read but the test sent no such webhook (it sent m1sent x1" in result.stdout.str()
    bad = run_user_tests(USER_TEST, "--wa-ordering=m1sent_x")
    bad.assert_outcomes(errors=1)
    assert "'x' is not an ordering step such as m1sent" in bad.stdout.str()


def test_order_ids_read_back() -> None:
    order = Order((Token(1, "sent", early=True), Token(1, "read"), Token(1, "delivered"),
                   Token(1, "delivered", dropped=True)))
    assert Order.parse(order.id) == order
    assert order.describe() == "m1: sent (early), read, delivered, delivered (dropped)"


def test_above_max_runs_the_orders_are_sampled_with_the_seed_plain_first() -> None:
    held = {(1, "sent"): 1, (1, "delivered"): 1, (1, "read"): 1, (2, "sent"): 1, (2, "failed"): 1}
    orders, total = explore_orders(held, Space(), max_runs=40, seed=3)
    again, _ = explore_orders(held, Space(), max_runs=40, seed=3)
    other, _ = explore_orders(held, Space(), max_runs=40, seed=4)
    assert total > 1000 and len(orders) == 40 and len({o.id for o in orders}) == 40
    assert orders[0].id == "m1sent_m1delivered_m1read_m2sent_m2failed"
    assert [o.id for o in orders] == [o.id for o in again] != [o.id for o in other]


def test_every_distinct_order_counts_copies_once() -> None:
    orders, total = explore_orders({(1, "sent"): 1, (1, "delivered"): 2}, Space(0, 0, False), max_runs=100, seed=0)
    assert [o.id for o in orders] == ["m1sent_m1delivered_m1delivered", "m1delivered_m1sent_m1delivered",
                                      "m1delivered_m1delivered_m1sent"] and total == 3


@pytest.mark.parametrize("marker", ["max_runs=0", "retries=2"])
def test_a_bad_marker_option_fails_the_test_in_one_line(run_user_tests, marker: str) -> None:
    result = run_user_tests(f'''
import pytest

@pytest.mark.wa_orderings({marker})
def test_x(wa_orderings):
    pass
''')
    result.assert_outcomes(errors=1)
    assert "@pytest.mark.wa_orderings / --wa-ordering:" in result.stdout.str()
