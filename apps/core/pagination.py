from django.conf import settings
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination


def page_size_from(request, *, default: int) -> int:
    """The `page_size` query parameter, 1 to API_MAX_PAGE_SIZE; anything else answers 400."""
    raw = request.query_params.get("page_size")
    if raw is None:
        return default
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= settings.API_MAX_PAGE_SIZE:
        raise ValidationError({"page_size": [f"Give a whole number from 1 to {settings.API_MAX_PAGE_SIZE}."]})
    return int(raw)


class PageSizeRule:
    """`page_size` from 1 to API_MAX_PAGE_SIZE, else 400 (numbered and cursor pages alike)."""

    page_size_query_param = "page_size"

    @property
    def max_page_size(self) -> int:
        return settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return page_size_from(request, default=self.page_size or settings.REST_FRAMEWORK["PAGE_SIZE"])


class PagePagination(PageSizeRule, PageNumberPagination):
    """Numbered pages. `page` and `page_size` out of range answer 400; links carry only valid values."""

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param, "1")
        if raw != "last" and (not raw.isascii() or not raw.isdigit() or int(raw) < 1):
            raise ValidationError({"page": ["Give a page number from 1."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound as exc:  # past the last page
            raise ValidationError({"page": [str(exc.detail)]}) from exc


class CursorPagePagination(PageSizeRule, CursorPagination):
    """Cursor pages with the same `page_size` rule as numbered pages: out of range answers 400."""


class CappedPaginator(Paginator):
    """Numbered pages whose count stops at `cap` rows: COUNT(*) over a large book (300,000 orders) costs
    more than the page itself, while "more than 10,000" is all a reader learns from the exact figure.
    The count reads at most cap + 1 rows (SELECT COUNT(*) FROM (... LIMIT cap + 1)); `capped` says the
    list goes on past the last page offered, and the template says so rather than showing a false total."""

    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def _seen(self) -> int:
        # which rows fill the cap does not change how many there are: no ordering, no annotations
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @cached_property
    def capped(self) -> bool:
        return self._seen > self.cap

    @cached_property
    def count(self) -> int:
        return min(self._seen, self.cap)


class KeysFirst:
    """A queryset for Paginator whose pages are read keys first: the page's primary keys come from a narrow
    query (only the sort columns travel through the sort, which an index or a small in-memory sort serves
    even deep in a large list), then its rows with their joins by those keys, in the same order. Two
    queries a page instead of one that sorts every wide joined row to keep 25.

    `all_keys=True` is for a filter no index serves (a text search scans the whole list either way): every
    matching key is read once, in order, and gives both the count and the page, so the list is scanned once
    instead of twice (the count, then the page)."""

    ordered = True

    def __init__(self, queryset, *, all_keys: bool = False):
        self.queryset = queryset
        self.all_keys = all_keys

    @cached_property
    def _keys(self) -> list:
        return list(self.queryset.values_list("pk", flat=True))

    def count(self) -> int:
        return len(self._keys) if self.all_keys else self.queryset.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        keys = self._keys[index] if self.all_keys else list(self.queryset.values_list("pk", flat=True)[index])
        rows = {row.pk: row for row in self.queryset.order_by().filter(pk__in=keys)}
        return [rows[key] for key in keys if key in rows]
