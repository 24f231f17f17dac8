"""The OpenAPI schema is good enough to generate a working client from: openapi-python-client (offline)
generates a Python package from the schema the live server publishes, and that package alone drives an
investor's order end to end: a token from the OAuth Authorization Code + PKCE flow, the fund list, the
order placed, confirmed with the OTP sent to the investor's mobile, and read back. A schema the generator
cannot read, or reads wrongly, fails here."""

import importlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import requests

from apps.oauth.tests.flows import tokens_for
from apps.orders.tests.conftest import funds, sandbox_gateways  # noqa: F401 - fixtures used below
from tests.factories import make_investor
from tests.messages import otp_code_sent_to

pytestmark = pytest.mark.live

PACKAGE = "distributor_api_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def generated_client(live_server, live_db, tmp_path):
    """The client package generated into a temporary directory and imported from there."""
    schema = requests.get(live_server.url("alpha.localhost", "/api/schema/?format=json"), timeout=30)
    assert schema.status_code == 200
    schema_path = tmp_path / "schema.json"
    schema_path.write_bytes(schema.content)
    result = subprocess.run(  # noqa: S603 - our own generator on our own schema
        [str(GENERATOR), "generate", "--path", str(schema_path), "--output-path", str(tmp_path / PACKAGE),
         "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PATH": f"{GENERATOR.parent}{os.pathsep}{os.environ.get('PATH', '')}"},
        check=False,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    # every operation is generated: the generator skips one whose parameters or bodies it cannot read
    assert "will not be generated" not in output, output
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.mark.usefixtures("sandbox_gateways")
def test_a_generated_client_places_and_confirms_an_order(
    generated_client,
    live_alpha,
    live_server,
    funds,  # noqa: F811
):
    api = generated_client
    funds_list = importlib.import_module(f"{PACKAGE}.api.funds.funds_list")
    orders_place = importlib.import_module(f"{PACKAGE}.api.orders.orders_place")
    orders_confirm = importlib.import_module(f"{PACKAGE}.api.orders.orders_confirm")
    orders_detail = importlib.import_module(f"{PACKAGE}.api.orders.orders_detail")
    models = importlib.import_module(f"{PACKAGE}.models")

    # given an investor of alpha signed in through Authorization Code + PKCE
    investor = make_investor(live_alpha, ready_to_invest=True)
    token = tokens_for(live_alpha, investor.user)["access_token"]
    client = api.AuthenticatedClient(base_url=live_server.url("alpha.localhost"), token=token, timeout=30)

    # when they look the fund up
    page = funds_list.sync(client=client, amc="test-amc", page_size=50)
    assert isinstance(page, models.FundPage), page
    fund = next(f for f in page.results if f.amfi_code == funds["equity"].amfi_code)

    # and place a purchase, then confirm it with the code sent to their mobile
    body = models.OrderListCreateInputRequest(
        kind=models.OrderListCreateInputKindEnum.PURCHASE, scheme=fund.amfi_code, amount="5000.00"
    )
    placed = orders_place.sync_detailed(client=client, body=body, idempotency_key=uuid.uuid4().hex)
    assert placed.status_code == 201, placed.content
    order = placed.parsed
    assert order.status == "pending_otp"
    confirmed = orders_confirm.sync_detailed(
        order.id, client=client, body=models.OtpInputRequest(code=otp_code_sent_to(investor.mobile))
    )
    assert confirmed.status_code == 200, confirmed.content

    # then reading it back shows the confirmed order at the exchange, typed by the generated models
    detail = orders_detail.sync(order.id, client=client)
    assert isinstance(detail, models.OrderDetailOutput), detail
    assert detail.id == order.id and detail.amount == "5000.00"
    assert detail.scheme.amfi_code == fund.amfi_code
    assert detail.status not in ("pending_otp", "failed", "rejected"), detail.status
