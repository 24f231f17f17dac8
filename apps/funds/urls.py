"""Fund API, mounted under /api/v1/ on distributors' hosts by config/urls_tenants.py."""

from django.urls import path, re_path

from apps.funds import apis

app_name = "funds"

AMFI_CODE = r"(?P<amfi_code>\d{1,12})"

urlpatterns = [
    path("funds/", apis.FundListApi.as_view(), name="fund-list"),
    path("funds/amcs/", apis.AmcListApi.as_view(), name="amc-list"),
    re_path(rf"^funds/{AMFI_CODE}/$", apis.FundDetailApi.as_view(), name="fund-detail"),
    re_path(rf"^funds/{AMFI_CODE}/navs/$", apis.FundNavHistoryApi.as_view(), name="fund-navs"),
    re_path(rf"^funds/{AMFI_CODE}/returns/$", apis.FundReturnsApi.as_view(), name="fund-returns"),
]
