"""A quick, bounded schemathesis run in the suite (`make check-api` runs a longer one)."""

from __future__ import annotations

import json

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from govern.services.exchange import import_exchange
from tests.services.test_exchange import DEMO

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.response_schema_conformance,
]


def test_reads_match_the_document(app, session):
    import_exchange(session, json.loads(DEMO.read_text(encoding="utf-8")))
    session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    tested = 0
    for result in schema.include(method="GET").get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=3,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            case.call_and_validate(checks=CHECKS)

        run()
        tested += 1
    assert tested >= 10
