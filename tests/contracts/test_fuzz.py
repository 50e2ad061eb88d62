"""A bounded schemathesis run against every OpenAPI document the emulator serves.

Requests are generated from each document (the three providers' and the control API's): bodies and
parameters that follow the schemas, and for operations that take any, ones that break them. They are
sent to a strict emulator and every answer must be no 5xx, carry a status the operation documents (an
undocumented one is a failure: no document has a ``default``), in a documented media type, with a body
that matches that status's schema. Derandomized and small: the same requests on every run, in seconds.

Webhook URLs the fuzzer registers are made up (``http://0``, ``https://a.b``): nothing may be delivered
to them. Webhooks go to loopback addresses only, and besides the emulator runs a manual clock that
nothing advances, so no attempt is even made. Each request starts from a reset world, which also puts
the clock back in manual mode if a fuzzed ``POST /_emulator/clock/mode`` changed it.
"""

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from wa_emulator.core.clock import MANUAL_CLOCK
from wa_emulator.core.destinations import LOOPBACK
from wa_emulator.providers import all_providers
from wa_emulator.testing.threaded import ThreadedEmulator

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
APIS = [provider.name for provider in all_providers()] + ["control"]


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(strict=True, clock=MANUAL_CLOCK, webhook_destinations=LOOPBACK) as emulator:
        yield emulator


@pytest.mark.parametrize("name", APIS)
def test_no_5xx_no_undocumented_status_and_no_schema_breaking_answer(server, name):
    document = requests.get(f"{server.base_url}/_emulator/openapi/{name}.json", timeout=5).json()
    schema = schemathesis.openapi.from_dict(document)
    if name == "control":
        base_url, headers = f"{server.base_url}/_emulator", {}
    else:
        api = next(provider.api for provider in all_providers() if provider.name == name)
        base_url, headers = server.url(name), dict(api.sandbox_headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == sum(len(methods) for methods in document["paths"].values())
    with requests.Session() as session:
        for operation in operations:
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

                @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                          phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
                @given(case=operation.as_strategy(generation_mode=mode))
                def check(case: schemathesis.Case) -> None:
                    # A fresh world per request: no rate limit, fault or clock mode carries over.
                    assert server.reset()
                    response = case.call(base_url=base_url, session=session, headers=headers, timeout=5)
                    case.validate_response(response, checks=CHECKS)

                try:
                    check()
                except Unsatisfiable:
                    # Only in negative mode, for an operation whose every input is any string (or
                    # none at all): there is no invalid request to make.
                    assert mode is GenerationMode.NEGATIVE, operation.label
