"""The sandbox BSE's scheme master: every scheme of our AMFI master, in BSE's file layout, with codes it
assigns deterministically; and our scheme-master import takes it as production takes BSE's file."""

from datetime import datetime

import pytest
from django.test import Client

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.importers.bse_master import bse_master_parse, import_bse_scheme_master
from apps.funds.models import Scheme, SchemeCode
from apps.funds.sources import NavDocument, NavSource
from apps.sandbox.bse.scheme_master import HEADER, bse_code_for
from tests.shared_data import shared_data

pytestmark = pytest.mark.django_db

URL = "/sandbox/bse/SchemeMaster.txt"


class BytesSource(NavSource):
    def __init__(self, content: bytes):
        self.content = content

    def describe(self) -> str:
        return "sandbox scheme master"

    def fetch(self) -> NavDocument:
        return NavDocument(content=self.content, origin=self.describe(), fetched_at=datetime.now().astimezone())


def _file() -> bytes:
    response = Client(HTTP_HOST="localhost").get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return b"".join(response.streaming_content)


@pytest.fixture
def real_master():
    """The real AMFI NAVAll file imported (every scheme AMFI lists)."""
    run = import_amfi_navs(source=str(shared_data("amfi", "amfi_NAVAll_2026-08-19_8col_planoption.txt")))
    assert run.status == "succeeded"


def test_every_scheme_with_an_isin_is_listed_in_bses_layout(real_master):
    content = _file()
    assert content.decode().split("\r\n", 1)[0] == HEADER
    parsed = bse_master_parse(content)  # our importer's parser reads it as BSE's file
    assert not parsed.skipped.total and not parsed.warnings.total
    # one row per ISIN that names one scheme of our master
    mapped = set(SchemeCode.objects.filter(source="isin").values_list("scheme_id", "code"))
    expected = sum(
        (pk, isin) in mapped
        for pk, *isins in Scheme.objects.values_list("pk", "isin_growth", "isin_reinvest")
        for isin in isins
    )
    assert expected > 10_000 and len(parsed.rows) == expected
    # the same scheme, the same code, on every request
    assert bse_master_parse(_file()).rows[0].bse_code == parsed.rows[0].bse_code


def test_the_import_maps_real_funds_to_the_sandbox_codes(real_master):
    run = import_bse_scheme_master(source=BytesSource(_file()))
    assert run.status == "succeeded" and not run.report["skipped_reasons"], run.report["skipped_reasons"]
    flexi = Scheme.objects.select_related("amc").get(amfi_code="122639")  # Parag Parikh Flexi Cap, Direct Growth
    code = SchemeCode.objects.get(scheme=flexi, source="bse").code
    assert code == bse_code_for(amfi_code="122639", amc_code=flexi.amc.code, option="growth") == "PPF122639-GR"
    assert (flexi.purchase_allowed, flexi.sip_allowed, flexi.redemption_allowed, flexi.switch_allowed) == (
        True, True, True, True,
    )  # fmt: skip
    assert flexi.min_purchase is not None and flexi.min_additional is not None
    # an IDCW scheme with a reinvestment ISIN has a second BSE code for it
    idcw = Scheme.objects.exclude(isin_reinvest="").exclude(isin_growth="").first()
    assert SchemeCode.objects.filter(scheme=idcw, source="bse", code__regex=r"-[A-Z]{2}R$").exists()


def test_the_nightly_task_and_the_command_take_the_configured_file(real_master, settings, tmp_path):
    from django.core.management import call_command

    from apps.funds.tasks import import_bse_scheme_master_task

    path = tmp_path / "SchemeMaster.txt"
    path.write_bytes(_file())
    settings.FUNDS_BSE_SCHEME_MASTER_URL = str(path)
    run_id = import_bse_scheme_master_task.apply().get()
    from apps.funds.models import ImportRun

    assert ImportRun.objects.get(pk=run_id).source == str(path)
    call_command("import_bse_scheme_master")
    assert ImportRun.objects.filter(kind="bse_scheme_master", source=str(path)).count() == 2


def test_the_default_source_is_the_sandbox_bse(settings):
    from django.conf import settings as django_settings

    assert django_settings.FUNDS_BSE_SCHEME_MASTER_URL.endswith("/sandbox/bse/SchemeMaster.txt")
