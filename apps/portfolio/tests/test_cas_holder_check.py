"""A CAS is imported only into its holder's portfolio: by PAN when the investor and the statement both
carry one, else by the holder's name. Someone else's statement is refused with the reason and writes
nothing."""

import pytest
from casparser.types import CASData

from apps.portfolio.models import CasImport, Folio, Holding
from apps.portfolio.services.cas_import import cas_data_import, holder_name_matches
from tests.factories import InvestorFactory

from .conftest import CAS_PASSWORD


def _statement(*, holder: str, pan: str, isin: str):
    return CASData.model_validate(
        {
            "statement_period": {"from": "01-Jan-2000", "to": "31-Mar-2025"},
            "investor_info": {"name": holder, "email": "", "address": "", "mobile": ""},
            "cas_type": "SUMMARY",
            "file_type": "CAMS",
            "folios": [
                {
                    "folio": "998877",
                    "amc": "HDFC Mutual Fund",
                    "PAN": pan,
                    "name": holder,
                    "schemes": [
                        {
                            "scheme": "HDFC Flexi Cap Fund - Direct Plan - Growth Option",
                            "rta_code": "H02FCDG",
                            "rta": "CAMS",
                            "isin": isin,
                            "open": "10",
                            "close": "10",
                            "close_calculated": "10",
                            "valuation": {"date": "2025-03-31", "nav": "50", "cost": "400", "value": "500"},
                            "transactions": [],
                        }
                    ],
                }
            ],
        }
    )


def _import(investor, data) -> CasImport:
    from apps.portfolio.services.cas_import import CasImportError

    cas_import = CasImport.objects.create(investor=investor)
    try:
        return cas_data_import(cas_import=cas_import, data=data)
    except CasImportError as exc:
        return exc


@pytest.mark.parametrize(
    ("investor_name", "holder", "same"),
    [
        ("Asha Rao", "ASHA RAO", True),
        ("Asha Rao", "Mrs. Asha K. Rao", True),
        ("asha rao", "RAO ASHA", True),
        ("Asha Rao", "Vikram Mehta", False),
        ("Asha Rao", "Asha Mehta", False),
        ("", "Asha Rao", False),
    ],
)
def test_holder_names(investor_name, holder, same):
    assert holder_name_matches(investor_name=investor_name, holder_name=holder) is same


def test_another_pan_is_refused_with_both_pans_masked(in_alpha, cas_universe):
    schemes, _ = cas_universe
    investor = InvestorFactory(full_name="Asha Verma", pan="ZZZZZ9999Z")
    error = _import(investor, _statement(holder="Asha Verma", pan=CAS_PASSWORD, isin=schemes[0].isin_growth))
    assert error.error == "pan_mismatch"
    assert "XXXXX1234X" in error.message and "XXXXX9999X" in error.message
    assert (
        not Holding.objects.filter(investor=investor).exists() and not Folio.objects.filter(investor=investor).exists()
    )


def test_a_matching_pan_wins_over_a_differently_spelt_name(in_alpha, cas_universe):
    schemes, _ = cas_universe
    investor = InvestorFactory(full_name="A. Verma", pan=CAS_PASSWORD)
    result = _import(investor, _statement(holder="Asha Verma", pan=CAS_PASSWORD, isin=schemes[0].isin_growth))
    assert isinstance(result, CasImport) and result.status == "done"


def test_without_a_pan_the_holders_name_must_be_the_investors(in_alpha, cas_universe):
    schemes, _ = cas_universe
    investor = InvestorFactory(full_name="Asha Verma")  # no PAN on file
    error = _import(investor, _statement(holder="Vikram Mehta", pan=CAS_PASSWORD, isin=schemes[0].isin_growth))
    assert error.error == "pan_mismatch"
    assert "in the name of Vikram Mehta, not Asha Verma" in error.message
    assert not Holding.objects.filter(investor=investor).exists()

    ok = _import(investor, _statement(holder="MRS ASHA VERMA", pan="", isin=schemes[0].isin_growth))
    assert isinstance(ok, CasImport) and ok.status == "done"


def test_nothing_to_compare_is_refused(in_alpha, cas_universe):
    schemes, _ = cas_universe
    investor = InvestorFactory(full_name="")
    error = _import(investor, _statement(holder="Asha Verma", pan=CAS_PASSWORD, isin=schemes[0].isin_growth))
    assert error.error == "pan_mismatch" and "cannot be checked" in error.message
