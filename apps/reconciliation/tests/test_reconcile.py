"""The registrar is the source of truth: its feed confirms, completes, corrects and reverses our orders,
brings transactions made elsewhere into the ledger, and every difference is a discrepancy with a cause."""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from django_tenants.utils import tenant_context

from apps.reconciliation.tests.conftest import FOLIO, NAV_DATE, cams_feed, cams_row, order_make, wbr22_feed

D = Decimal


def _import(tmp_path, content, *, schema="alpha", password="", name="WBR2.dbf"):
    path = tmp_path / name
    path.write_bytes(content)
    out = io.StringIO()
    args = [str(path), "--distributor", schema, "--json"] + (["--password", password] if password else [])
    call_command("import_rta_feed", *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def book(tenant_alpha, investor, schemes):
    """Orders of alpha's investor as we know them, and the registrar's feed of the same day."""
    equity = schemes["B02G"]
    with tenant_context(tenant_alpha):
        orders = {
            "matched": order_make(investor, equity, status="successful", amount=D("5000.00"), units=D("100.0000")),
            "units": order_make(investor, equity, status="successful", amount=D("2500.00"), units=D("50.0000")),
            "amount": order_make(investor, equity, status="successful", amount=D("1000.00"), units=D("20.0000")),
            "unpaid": order_make(investor, equity, status="payment_pending", amount=D("3000.00")),
            "reversed": order_make(investor, equity, status="successful", amount=D("2000.00"), units=D("40.0000")),
            "missing": order_make(investor, equity, status="successful", amount=D("500.00"), units=D("10.0000")),
            "by_folio": order_make(investor, equity, status="payment_pending", amount=D("700.00")),
        }
    o = orders
    rows = [
        cams_row(txn_no="1001", units=D("100.0000"), amount=D("5000.00"), USRTRXNO=o["matched"].exchange_order_id),
        cams_row(txn_no="1002", units=D("49.9000"), amount=D("2500.00"), USRTRXNO=o["units"].client_ref),
        cams_row(txn_no="1003", units=D("20.0000"), amount=D("1001.00"), APPLICATIO=o["amount"].exchange_order_id),
        cams_row(txn_no="1004", units=D("60.0000"), amount=D("3000.00"), USRTRXNO=o["unpaid"].exchange_order_id),
        cams_row(txn_no="1005", units=D("40.0000"), amount=D("2000.00"), USRTRXNO=o["reversed"].exchange_order_id),
        cams_row(txn_no="1006", units=D("-40.0000"), amount=D("-2000.00"), REVERSAL_C="RP", ORIGINAL_T="1005",
                 TRXNSTAT="R"),
        cams_row(txn_no="1007", units=D("30.0000"), amount=D("1500.00"), code="B03G"),  # bought elsewhere
        cams_row(txn_no="1008", units=D("5.0000"), amount=D("250.00"), folio="555/1"),  # not our investor's
        cams_row(txn_no="1009", units=D("14.0000"), amount=D("700.00")),  # found by folio, scheme, date, amount
    ]  # fmt: skip
    return orders, rows


def test_a_feed_confirms_completes_corrects_reverses_and_flags_every_cause(tmp_path, tenant_alpha, investor, book):
    from apps.notifications.models import Notification
    from apps.orders.models import Order
    from apps.portfolio.models import Holding, Transaction
    from apps.reconciliation.models import Discrepancy

    orders, rows = book
    # when alpha imports the day's WBR2 feed
    report = _import(tmp_path, cams_feed(rows))

    # then every row has its outcome
    assert report["layout"] == "cams_wbr2" and report["container"] == "dbf"
    assert report["outcomes"] == {"matched": 2, "differs": 2, "completed": 2, "reversed": 1, "outside": 1,
                                  "unresolved": 1}  # fmt: skip
    causes = sorted((d["cause"], d["status"]) for d in report["discrepancies"])
    assert causes == [
        ("amount_differs", "open"), ("missing_at_registrar", "open"), ("missing_in_ledger", "corrected"),
        ("missing_in_ledger", "corrected"), ("missing_in_ledger", "corrected"), ("missing_in_ledger", "open"),
        ("reversed", "corrected"), ("units_differ", "open"),
    ]  # fmt: skip
    with tenant_context(tenant_alpha):
        status = {name: Order.objects.get(pk=o.pk).status for name, o in orders.items()}
        assert status == {"matched": "successful", "units": "successful", "amount": "successful",
                          "unpaid": "successful", "reversed": "reversed", "missing": "successful",
                          "by_folio": "successful"}  # fmt: skip
        # the allotments we lacked are in the ledger at the registrar's figures
        unpaid = Order.objects.get(pk=orders["unpaid"].pk)
        assert (unpaid.allotted_units, unpaid.nav_date) == (D("60.0000"), NAV_DATE)
        # the reversal wrote a compensating line and the holding is back to what the registrar holds
        reversal = Transaction.objects.get(kind="reversal")
        assert (reversal.units, reversal.amount, reversal.source) == (D("-40.0000"), D("-2000.00"), "rta")
        # the purchase made elsewhere entered the ledger marked as from the registrar
        outside = Transaction.objects.get(source="rta", kind="purchase")
        assert (outside.units, outside.scheme.amfi_code, outside.source_ref) == (D("30.0000"), "980301", "cams:B:1007")
        units = dict(Holding.objects.filter(folio__folio_number=FOLIO).values_list("scheme__amfi_code", "units"))
        assert units == {"980201": D("254.0000"), "980301": D("30.0000")}
        differs = Discrepancy.objects.get(cause="units_differ")
        assert (differs.ours, differs.theirs, differs.suggested_fix) == (D("50"), D("49.9"), "adjust_to_registrar")
        assert Discrepancy.objects.get(cause="missing_at_registrar").order_id == orders["missing"].pk
        assert Discrepancy.objects.get(cause="missing_in_ledger", status="open").suggested_fix == "link_investor"
        # the investor heard of the reversal and of the two allotments completed from the registrar
        events = sorted(Notification.objects.filter(investor=investor).values_list("event", flat=True))
        assert events == ["order_allotted", "order_allotted", "order_reversed"]

    # when the AUM feed of the folio arrives: one balance agrees, one does not
    aum = _import(tmp_path, wbr22_feed([
        {"FOLIO": FOLIO, "PRODUCT": "B02G", "SCHEME_NAM": "Recon Equity", "UNITS": D("254.0000"),
         "ASSET_DATE": NAV_DATE},
        {"FOLIO": FOLIO, "PRODUCT": "B03G", "SCHEME_NAM": "Recon Debt", "UNITS": D("31.0000"), "ASSET_DATE": NAV_DATE},
    ]), name="WBR22.csv")  # fmt: skip
    assert aum["layout"] == "cams_wbr22" and aum["outcomes"] == {"matched": 1, "differs": 1}
    ((cause, ours, theirs),) = [(d["cause"], d["ours"], d["theirs"]) for d in aum["discrepancies"]]
    assert (cause, D(ours), D(theirs)) == ("balance_differs", D("30"), D("31"))


def test_dbf_xlsx_and_password_zip_of_the_same_rows_give_the_same_result(tmp_path, tenant_alpha, investor, book):
    from apps.portfolio.models import Transaction
    from apps.reconciliation.models import Discrepancy

    _, rows = book
    results = []
    for form, password in (("dbf", ""), ("xlsx", ""), ("csv", "mailed-pass")):
        with transaction.atomic():
            report = _import(tmp_path, cams_feed(rows, form=form, password=password), password=password,
                             name=f"WBR2.{'zip' if password else form}")  # fmt: skip
            with tenant_context(tenant_alpha):
                ledger = sorted(Transaction.objects.values_list("source", "kind", "units"))
                causes = sorted(Discrepancy.objects.values_list("cause", "status"))
            results.append((report["outcomes"], ledger, causes))
            transaction.set_rollback(True)
        assert report["container"] == ("zip+csv" if password else form)
    assert results[0] == results[1] == results[2]
    assert results[0][0]["reversed"] == 1


def test_importing_again_changes_nothing(tmp_path, tenant_alpha, investor, book):
    from apps.portfolio.models import Transaction
    from apps.reconciliation.models import Discrepancy

    _, rows = book
    first = _import(tmp_path, cams_feed(rows))
    with tenant_context(tenant_alpha):
        before = (Transaction.objects.count(), Discrepancy.objects.count())
    again = _import(tmp_path, cams_feed(rows))
    other_form = _import(tmp_path, cams_feed(rows, form="xlsx"), name="WBR2.xlsx")
    with tenant_context(tenant_alpha):
        after = (Transaction.objects.count(), Discrepancy.objects.count())
    assert again["duplicate"] is True and again["feed"] == first["feed"]
    assert other_form["rows_new"] == 0 and other_form["discrepancies"] == []
    assert before == after


def test_a_second_tenants_feed_never_touches_the_first(tmp_path, tenant_alpha, tenant_beta, investor, book):
    from apps.orders.models import Order
    from apps.portfolio.models import Transaction
    from apps.reconciliation.models import Discrepancy, RegistrarTransaction

    orders, rows = book
    with tenant_context(tenant_alpha):
        before = (list(Order.objects.order_by("pk").values_list("status", flat=True)), Transaction.objects.count())
    # when beta imports a feed naming alpha's folio and orders
    report = _import(tmp_path, cams_feed(rows), schema="beta")
    # then beta has nothing to match them to, and alpha is untouched
    assert report["outcomes"] == {"unresolved": 9}
    assert all(d["order"] is None for d in report["discrepancies"])
    with tenant_context(tenant_alpha):
        after = (list(Order.objects.order_by("pk").values_list("status", flat=True)), Transaction.objects.count())
        assert not RegistrarTransaction.objects.exists() and not Discrepancy.objects.exists()
    assert before == after
    with tenant_context(tenant_beta):
        assert RegistrarTransaction.objects.filter(order__isnull=False).count() == 0
