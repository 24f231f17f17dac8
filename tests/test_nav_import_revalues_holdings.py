"""A NAV import tells the portfolio which schemes got new NAVs, once, after its data is committed."""

from apps.funds.importers.amfi import import_amfi_navs
from apps.funds.models import Scheme
from tests.shared_data import shared_data

AMFI = shared_data("amfi")
calls: list[list[int]] = []


def record(*, scheme_ids):
    calls.append(sorted(scheme_ids))


def test_new_navs_are_announced_and_an_unchanged_file_announces_nothing(db, settings):
    settings.FUNDS_NAVS_CHANGED_HOOKS = ["tests.test_nav_import_revalues_holdings.record"]
    calls.clear()

    import_amfi_navs(source=str(AMFI / "mfscreener_fixture_amfi_6_column.txt"))
    scheme = Scheme.objects.get(amfi_code="120465")
    assert calls == [[scheme.pk]]

    import_amfi_navs(source=str(AMFI / "mfscreener_fixture_amfi_6_column.txt"))
    assert calls == [[scheme.pk]]


def test_the_portfolio_hook_fans_out_after_commit(db, django_capture_on_commit_callbacks, monkeypatch):
    from tenants import tasks as tenant_tasks

    sent = []
    monkeypatch.setattr(tenant_tasks.fan_out_to_tenants, "delay", lambda name, kwargs: sent.append((name, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        import_amfi_navs(source=str(AMFI / "mfscreener_fixture_amfi_6_column.txt"))
    scheme = Scheme.objects.get(amfi_code="120465")
    assert ("portfolio.valuations_refresh_for_schemes", {"scheme_ids": [scheme.pk]}) in sent
