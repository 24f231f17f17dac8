"""Small helpers the page apps (investor web pages, staff portal) share for the report pages."""

from urllib.parse import urlencode

from django.urls import reverse

from apps.reports.capital_gains import CapitalGainsError, financial_year_parse
from apps.reports.forms import financial_year_choices
from apps.reports.models import StatementStatus
from apps.reports.services import statement_download_token


def financial_year_from(request) -> str:
    label = request.GET.get("fy", "")
    try:
        financial_year_parse(label)
    except CapitalGainsError:
        return financial_year_choices(1)[0][0]
    return label


def statement_download_url(statement) -> str:
    if statement.status != StatementStatus.DONE:
        return ""
    path = reverse("v1:statement-download", kwargs={"statement_id": statement.public_id})
    return f"{path}?{urlencode({'token': statement_download_token(statement=statement)})}"
