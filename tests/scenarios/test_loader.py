"""Bad scenario input: every kind of mistake, and the one line a user sees about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from wa_emulator.scenario import ScenarioError, load_scenario, load_text

HEAD = "version: 1\nname: bad\n"
STEPS = HEAD + "timelines:\n  - match: {}\n    steps:\n"

FIXTURE = '  - {id: a, provider: mojeeb, org: o, agent: g, from: "+15550100001", to: "+15550001001", status: sent}\n'
TOP = "x.yaml:1:1: (top level): expected a mapping with version, name, … at the top, got "

CASES = {
    "bad YAML syntax": (
        HEAD + "contacts: {a: [1, 2}\n",
        "x.yaml:3:20: (syntax): not valid YAML: while parsing a flow sequence expected ',' or ']', but got '}'",
    ),
    "wrong type": (HEAD + "seed: lots\n", "x.yaml:3:7: seed: expected a whole number, got 'lots'"),
    "fail_attempts out of range": (
        STEPS + "      - {after: 1s, status: sent, webhook: {fail_attempts: 99}}\n",
        "x.yaml:6:60: timelines[0].steps[0].webhook.fail_attempts: expected 20 or less, got the number 99",
    ),
    "fail_attempts on a dropped webhook": (
        STEPS + "      - {after: 1s, status: sent, webhook: {drop: true, fail_attempts: 1}}\n",
        "x.yaml:6:72: timelines[0].steps[0].webhook.fail_attempts: a dropped webhook makes no attempts to fail; "
        "give drop or fail_attempts, not both",
    ),
    "nth below one": (
        HEAD + "timelines:\n  - match: {to: \"+15550001001\", nth: 0}\n    steps: []\n",
        "x.yaml:4:38: timelines[0].match.nth: expected 1 or more, got the number 0",
    ),
    "send without a recipient": (
        HEAD + "script:\n  - {at: 0s, send: {provider: wazapin}}\n",
        "x.yaml:4:20: script[0].send.to: missing required field 'to'",
    ),
    "send and contact in one entry": (
        HEAD + 'script:\n  - {at: 0s, send: {provider: wazapin, to: "+15550001001"},\n'
        '     contact: {phone: "+15550001001"}}\n',
        "x.yaml:4:5: script[0]: expected exactly one action per entry: inbound, contact or send",
    ),
    "unknown field": (
        HEAD + "colour: blue\n",
        "x.yaml:3:1: colour: unknown field 'colour' (expected one of: clock, contacts, description, faults, "
        "fixtures, name, rules, script, seed, tenants, timelines, version)",
    ),
    "missing field": ("version: 1\n", "x.yaml:1:1: name: missing required field 'name'"),
    "missing nested field": (
        STEPS + "      - {after: 1s}\n",
        "x.yaml:6:9: timelines[0].steps[0].status: missing required field 'status'",
    ),
    "bad duration": (
        STEPS + "      - {after: 5 sec, status: sent}\n",
        "x.yaml:6:17: timelines[0].steps[0].after: expected a duration: seconds or text like 500ms, 5s, 2m, 1h, "
        "30d, got '5 sec'",
    ),
    "negative duration": (
        STEPS + "      - {after: -1s, status: sent}\n",
        "x.yaml:6:17: timelines[0].steps[0].after: expected a duration of zero or more, got '-1s'",
    ),
    "forbidden transition": (
        STEPS + "      - {after: 1s, status: sent}\n      - {after: 1s, status: read}\n",
        "x.yaml:7:29: timelines[0].steps[1].status: forbidden transition: 'read' cannot follow 'sent' "
        "(allowed after 'sent': delivered, expired, failed, received)",
    ),
    "unknown status": (
        STEPS + "      - {after: 1s, status: bounced}\n",
        "x.yaml:6:29: timelines[0].steps[0].status: expected one of sent, received, delivered, read, failed, "
        "expired, got 'bounced'",
    ),
    "error code not an integer": (
        STEPS + "      - {after: 1s, status: failed, error: oops}\n",
        "x.yaml:6:44: timelines[0].steps[0].error: expected a Meta error code (an integer such as 131047), got 'oops'",
    ),
    "error code on a status that is not failed": (
        STEPS + "      - {after: 1s, status: sent, error: 131047}\n",
        "x.yaml:6:42: timelines[0].steps[0].error: an error code only goes with status: failed (this step is sent)",
    ),
    "unknown provider": (
        HEAD + "timelines:\n  - match: {provider: twilio}\n    steps: []\n",
        "x.yaml:4:23: timelines[0].match.provider: expected one of mojeeb, wazapin, qlara, got 'twilio'",
    ),
    "unknown provider as a tenant key": (
        HEAD + "tenants:\n  twilio: []\n",
        "x.yaml:4:3: tenants.twilio: expected one of mojeeb, wazapin, qlara as the key, got 'twilio'",
    ),
    "phone number YAML read as a number": (
        HEAD + "contacts:\n  +15550001000: {online: false}\n",
        "x.yaml:4:3: contacts[15550001000]: expected an E.164 number such as +15550001001 as the key, "
        "got the number 15550001000 (put it in quotes to make it text)",
    ),
    "bad last_inbound": (
        HEAD + "contacts:\n  '+15550001000': {last_inbound: yesterday}\n",
        "x.yaml:4:34: contacts.+15550001000.last_inbound: expected null, a duration relative to the start "
        "(such as -1h) or an ISO 8601 time, got 'yesterday'",
    ),
    "duplicate fixture id": (
        HEAD + "fixtures:\n" + FIXTURE * 2,
        "x.yaml:5:10: fixtures[1].id: duplicate fixture id 'a' (first used on line 4)",
    ),
    "fixture history with a forbidden transition": (
        HEAD + "fixtures:\n  - id: a\n    provider: mojeeb\n    org: o\n    agent: g\n    from: '+15550100001'\n"
        "    to: '+15550001001'\n    status: read\n    history:\n      - {status: read, at: 1s}\n",
        "x.yaml:12:7: fixtures[0].history: forbidden transition: 'read' cannot follow 'queued' "
        "(allowed after 'queued': failed, sent)",
    ),
    "duplicate key": (HEAD + "name: again\n", "x.yaml:3:1: name: this key appears twice in the same mapping"),
    "wrong version": (
        "version: 2\nname: bad\n", "x.yaml:1:10: version: expected version 1 (the only format so far), got the number 2"
    ),
    "empty file": ("", TOP + "nothing (null)"),
    "a list at the top": ("- a\n", TOP + "a list"),
    "fault that does nothing": (
        HEAD + "faults:\n  - {method: POST}\n",
        "x.yaml:4:5: faults[0]: a fault needs at least one of latency, status or drop",
    ),
    "number out of range": (
        HEAD + "faults:\n  - {status: 700}\n", "x.yaml:4:14: faults[0].status: expected 599 or less, got the number 700"
    ),
    "error code given as text": (
        STEPS + "      - {after: 1s, status: failed, error: '131047'}\n",
        "x.yaml:6:44: timelines[0].steps[0].error: expected a Meta error code (an integer such as 131047), "
        "got '131047'",
    ),
    "scaled clock without a factor": (
        HEAD + "clock: {mode: scaled}\n",
        "x.yaml:3:15: clock.mode: mode: scaled needs a factor (emulated seconds per real second)",
    ),
    "script entry with two actions": (
        HEAD + "script:\n  - {at: 1s, inbound: {provider: mojeeb, from: '+15550001000'}, "
        "contact: {phone: '+15550001000'}}\n",
        "x.yaml:4:5: script[0]: expected exactly one action per entry: inbound, contact or send",
    ),
}


@pytest.mark.parametrize(("text", "message"), CASES.values(), ids=CASES.keys())
def test_bad_input_names_file_line_column_field_and_what_was_expected(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        load_text(text, "x.yaml")
    assert str(caught.value) == message
    assert "\n" not in str(caught.value)


def test_a_missing_file_and_an_unknown_name_say_so(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match=r"nope\.yaml: \(file\): no such file"):
        load_scenario(tmp_path / "nope.yaml")
    with pytest.raises(ScenarioError) as caught:
        load_scenario("no-such-scenario")
    assert "no bundled scenario or file by that name (bundled: dropped-webhook," in str(caught.value)


def test_a_good_file_loads_by_path_with_its_durations_in_seconds(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(STEPS + "      - {after: 1.5s, status: sent}\n      - {after: 1h30m, status: delivered}\n")
    scenario = load_scenario(path)
    assert scenario.source == str(path)
    assert [step.after for step in scenario.timelines[0].steps] == [1.5, 5400.0]


def test_json_is_accepted_too() -> None:
    assert load_text('{"version": 1, "name": "from-json", "seed": 3}').seed == 3


def test_an_unknown_meta_error_code_is_fine_as_long_as_it_is_an_integer() -> None:
    scenario = load_text(STEPS + "      - {after: 1s, status: failed, error: 999999}\n")
    assert scenario.timelines[0].steps[0].error == 999999
