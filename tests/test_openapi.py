"""The OpenAPI description, run against the app in-process (WSGI, no network) with
schemathesis: generated requests for every documented operation, valid ones and
invalid ones, must never get a server error, and every response must match what the
description says (status code, content type, body schema).

schemathesis's own pytest loader (`schemathesis.pytest.from_fixture`) touches a pytest
internal that pytest 9 no longer has, so each operation's Hypothesis strategy is used
directly, under a plain test that takes the `app` fixture.
"""

from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from searchapp.web.openapi import build_spec  # noqa: E402

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Every operation but the description itself (schemathesis leaves that one out).
OPERATIONS = [
    (method.upper(), path)
    for path, methods in build_spec()["paths"].items()
    for method in methods
    if path != "/api/openapi.json"
]
MAX_EXAMPLES = {GenerationMode.POSITIVE: 40, GenerationMode.NEGATIVE: 25}
# Invalid requests exist only where there are query parameters or a body: the only
# invalid value of a path parameter (any string) is the empty one, which no URL can
# carry, and an operation that takes nothing (/api/stats) has no invalid request.
def _takes_something(method: str, path: str) -> bool:
    operation = build_spec()["paths"][path][method.lower()]
    return bool(operation.get("parameters") or operation.get("requestBody"))


CASES = [(m, p, GenerationMode.POSITIVE) for m, p in OPERATIONS] + [
    (m, p, GenerationMode.NEGATIVE) for m, p in OPERATIONS
    if "{" not in p and _takes_something(m, p)
]  # fmt: skip


@pytest.fixture
def api_schema(app):
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


def test_every_operation_is_tested(api_schema):
    found = {(r.ok().method.upper(), r.ok().path) for r in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


@pytest.mark.parametrize(
    ("method", "path", "mode"), CASES, ids=[f"{m} {p} {mode.value}" for m, p, mode in CASES]
)
def test_api_conforms_to_its_description(api_schema, method, path, mode):
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=MAX_EXAMPLES[mode],
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        case.call_and_validate(checks=CHECKS)

    check()
