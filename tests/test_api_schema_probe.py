"""Schemathesis over the tenant API's own OpenAPI schema, signed in as an investor: for every operation,
generated requests (valid and invalid) must never answer 5xx, and every answer (errors included) must
be one the schema documents, in the documented content type and shape.

Business rules that a schema cannot state (a PAN's checksum letter, an IFSC that exists) may refuse
schema-valid data with a documented 400, so positive-data acceptance is not among the checks."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from apps.oauth.tests.flows import tokens_for
from tests.factories import make_investor

pytestmark = pytest.mark.live

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 15


def _failures_of(operation, *, base_url: str, token: str, counter: list[int]) -> list[str]:
    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def probe(case):
        counter[0] += 1
        case.call_and_validate(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)

    try:
        probe()
    except BaseExceptionGroup as group:
        return [" ".join(str(failure).split())[:300] for failure in group.exceptions]
    return []


def test_every_operation_answers_as_documented_and_never_5xx(live_server, live_db):
    from tenants.models import Distributor

    alpha = Distributor.objects.get(schema_name="alpha")
    investor = make_investor(alpha)
    document = requests.get(live_server.url("alpha.localhost", "/api/schema/?format=json"), timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    base_url = live_server.url("alpha.localhost", "")

    failures, sent, operations = {}, [0], 0
    for loaded in schema.get_all_operations():
        operation = loaded.ok()
        operations += 1
        # a fresh token each: some operations (sign out everywhere) revoke the caller's own
        token = tokens_for(alpha, investor.user)["access_token"]
        found = _failures_of(operation, base_url=base_url, token=token, counter=sent)
        if found:
            failures[operation.label] = found

    assert operations > 50 and sent[0] > operations * 5
    assert failures == {}
