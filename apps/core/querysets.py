"""Queryset helpers shared by the apps' selectors."""

from django.db.models import QuerySet


def of_investors(qs: QuerySet, investor_ids, *, field: str = "investor_id") -> QuerySet:
    """`qs` limited to the investors `investor_ids` names: a list of ids, or a queryset of investors or of
    their ids. A queryset with no filter is every investor of the distributor (an owner's book): `qs` is left
    whole, so the query needs no semi-join on investors and the table's own indexes serve it."""
    if isinstance(investor_ids, QuerySet) and not investor_ids.query.has_filters():
        return qs
    return qs.filter(**{f"{field}__in": investor_ids})
