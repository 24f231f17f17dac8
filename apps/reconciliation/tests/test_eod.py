"""End of day: the drop folder's feeds are imported (or refused with their reason), orders the registrar
has not confirmed within the grace days are flagged, and operations staff get a summary."""

from datetime import date
from decimal import Decimal

from django.core import mail
from django_tenants.utils import tenant_context

from apps.reconciliation.tests.conftest import cams_feed, cams_row, order_make


def test_eod_imports_the_drop_folder_flags_unconfirmed_orders_and_mails_operations(
    tmp_path, settings, tenant_alpha, investor, schemes
):
    from apps.accounts.models import StaffMember
    from apps.reconciliation.models import Discrepancy, RtaFeed
    from apps.reconciliation.services.eod import eod_run
    from apps.users.models import User

    settings.RECON_DROP_ROOT = str(tmp_path)
    folder = tmp_path / "alpha"
    folder.mkdir()
    with tenant_context(tenant_alpha):
        confirmed = order_make(investor, schemes["B02G"], status="successful", amount=Decimal("100.00"),
                               units=Decimal("2.0000"))  # fmt: skip
        unconfirmed = order_make(investor, schemes["B02G"], status="successful", amount=Decimal("200.00"),
                                 units=Decimal("4.0000"))  # fmt: skip
        ops = User.objects.create_user(email="ops@alpha.example", password="x" * 12)
        StaffMember.objects.create(user=ops, role="operations")
    (folder / "WBR2.dbf").write_bytes(cams_feed([
        cams_row(txn_no="5001", units=Decimal("2.0000"), amount=Decimal("100.00"),
                 USRTRXNO=confirmed.exchange_order_id, folio="999/9"),
    ]))  # fmt: skip
    (folder / "NAVAll.txt").write_bytes(b"<html><body>Object moved</body></html>")

    with tenant_context(tenant_alpha):
        result = eod_run(today=date(2026, 11, 30))  # 20 Nov + 3 trading days is long past
        flagged = set(Discrepancy.objects.filter(cause="missing_at_registrar").values_list("order_id", flat=True))
        assert RtaFeed.objects.get().original_name == "WBR2.dbf"
    assert result.drop_folder.imported == ["WBR2.dbf"]
    assert (folder / "done" / "WBR2.dbf").exists()
    assert (folder / "refused" / "NAVAll.txt.reason.txt").read_text().startswith("html:")
    assert flagged == {unconfirmed.pk}
    (message,) = [m for m in mail.outbox if "ops@alpha.example" in m.to]
    assert "Files refused from the drop folder: 1" in message.body
    assert "Missing at the registrar: 1" in message.body
