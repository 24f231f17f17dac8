"""AMFI's NAV history report (``Scheme Code;Scheme Name;ISIN ...;Net Asset Value;Repurchase Price;Sale
Price;Date`` or with the ISINs first): one row per scheme and date, old category names.

It adds the NAVs and any scheme it introduces, and fills only what the master lacks: an old report never
overwrites today's names, categories or ISINs (the daily file is the master's source)."""

from apps.funds.importers.amfi import Layout, NavImportJob, nav_file_import
from apps.funds.models import ImportRun
from apps.funds.sources import NavSource

HISTORY_JOB = NavImportJob(
    kind=ImportRun.Kind.AMFI_NAV_HISTORY,
    accept=frozenset({Layout.HISTORY}),
    authoritative=False,
    check_freshness=False,
)


def import_amfi_nav_history(*, source: str | NavSource, actor_label: str = "") -> ImportRun:
    return nav_file_import(HISTORY_JOB, source=source, actor_label=actor_label)
