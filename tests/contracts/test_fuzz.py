"""A bounded schemathesis run against each provider's OpenAPI document.

Requests are generated from the document (bodies that follow the request
schemas, and path values of every kind), sent to a strict emulator, and every
answer must be no 5xx and must match its response schema. Derandomized and
small, so it is the same few hundred requests on every run, in seconds.
"""

from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from wa_emulator.providers import all_providers
from wa_emulator.testing.threaded import ThreadedEmulator

EXAMPLES_PER_OPERATION = 25


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedEmulator]:
    with ThreadedEmulator(strict=True) as emulator:
        yield emulator


@pytest.mark.parametrize("provider", all_providers(), ids=lambda p: p.name)
def test_no_5xx_and_no_schema_breaking_answer(server, provider):
    api = provider.api
    document = requests.get(f"{server.base_url}/_emulator/openapi/{provider.name}.json", timeout=5).json()
    schema = schemathesis.openapi.from_dict(document)
    base_url = server.url(provider.name)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(api.operations)
    with requests.Session() as session:
        for operation in operations:

            @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy())
            def check(case: schemathesis.Case) -> None:
                server.reset()  # a fresh world per request: no rate limit carries over
                response = case.call(base_url=base_url, session=session, headers=dict(api.sandbox_headers),
                                     timeout=5)
                case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

            check()
