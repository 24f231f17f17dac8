"""Per-distributor feature flags: django-waffle's Flag, living in each distributor's schema.

A feature's state for a distributor is, in order:
1. its waffle Flag in the distributor's schema, when platform staff set one (on, off, or waffle's finer
   rules: a percentage, staff only, named users); the admin's "Feature flags" page sets and clears it;
2. else its plan's `features` (Plan.features, e.g. {"family_view": true, "goals": false});
3. else the feature's default below.

Features are checked where they are used: FeatureGateMiddleware refuses the gated routes (API: 403 with
code `feature_disabled`; pages: 404), the order router never picks a disabled gateway, and templates see
`features` (tenants.context_processors-style `features_context`).
"""

from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404, HttpRequest, JsonResponse
from django_tenants.utils import get_public_schema_name, tenant_context
from waffle import get_waffle_flag_model

from apps.core.audit import audit_record
from tenants.models import Distributor


@dataclass(frozen=True)
class Feature:
    name: str
    label: str
    default: bool


FEATURES = {
    feature.name: feature
    for feature in (
        Feature("family_view", "Family view (linked family portfolios)", True),
        Feature("goals", "Goals (targets, linked holdings and SIPs, projections)", True),
        Feature("mfu", "MF Utilities as an order gateway", True),
        Feature("web_ordering", "Investor ordering on the web pages", True),
    )
}


class FeatureStateError(ValueError):
    pass


def _plan_default(distributor: Distributor | None, name: str) -> bool:
    plan = getattr(distributor, "plan", None)
    features = plan.features if plan is not None and isinstance(plan.features, dict) else {}
    return bool(features.get(name, FEATURES[name].default))


def _current_distributor() -> Distributor | None:
    tenant = getattr(connection, "tenant", None)
    if not isinstance(tenant, Distributor) or tenant.schema_name == get_public_schema_name():
        return None
    return tenant


def feature_is_active(*, name: str, request: HttpRequest | None = None) -> bool:
    """Whether `name` is on for the distributor whose schema the connection is on (and, for waffle's
    per-user rules, for the request's user)."""
    if name not in FEATURES:
        raise KeyError(f"unknown feature {name!r}")
    flag = get_waffle_flag_model().get(name)  # cached per schema (tenant-aware cache keys)
    if flag.pk is not None:
        if flag.everyone is not None or request is None:
            return bool(flag.everyone)
        return bool(flag.is_active(request))
    return _plan_default(_current_distributor(), name)


def features_for_request(request: HttpRequest) -> dict[str, bool]:
    return {name: feature_is_active(name=name, request=request) for name in FEATURES}


def gateway_is_enabled(gateway: str) -> bool:
    """Order gateways that are features (MF Utilities) are used only where the feature is on."""
    return gateway not in FEATURES or feature_is_active(name=gateway)


@dataclass(frozen=True)
class FeatureState:
    feature: Feature
    active: bool
    source: str  # "override" or "plan"


def feature_states(*, distributor: Distributor) -> list[FeatureState]:
    """For the admin: every feature's state for a distributor and where it comes from. Call it inside
    the distributor's tenant_context."""
    flags = {flag.name: flag for flag in get_waffle_flag_model().objects.filter(name__in=FEATURES)}
    states = []
    for name, feature in FEATURES.items():
        flag = flags.get(name)
        if flag is not None:
            states.append(FeatureState(feature, bool(flag.everyone), "override"))
        else:
            states.append(FeatureState(feature, _plan_default(distributor, name), "plan"))
    return states


def _flag_cache_clear(*, distributor: Distributor, name: str) -> None:
    with tenant_context(distributor):
        get_waffle_flag_model()(name=name).flush()


def feature_set(*, distributor: Distributor, name: str, state: str, actor) -> None:
    """state: "on" or "off" (an override for this distributor) or "plan" (back to the plan's default).
    Call it inside the distributor's tenant_context."""
    if name not in FEATURES:
        raise FeatureStateError(f"unknown feature {name!r}")
    if state not in ("on", "off", "plan"):
        raise FeatureStateError(f"unknown state {state!r}")
    flag_model = get_waffle_flag_model()
    with transaction.atomic():
        if state == "plan":
            flag_model.objects.filter(name=name).delete()
        else:
            flag, _ = flag_model.objects.get_or_create(name=name, defaults={"note": FEATURES[name].label})
            flag.everyone = state == "on"
            flag.save(update_fields=["everyone", "modified"])
        # waffle caches flags per schema; its own flush runs on commit in whatever schema is current then,
        # so clear this distributor's entry explicitly, in its schema
        transaction.on_commit(partial(_flag_cache_clear, distributor=distributor, name=name))
        audit_record(action="feature.set", actor=actor, target=distributor, extra={"feature": name, "state": state})


class FeatureGateMiddleware:
    """Refuses the routes of a feature that is off for this distributor (settings.FEATURE_GATED_ROUTES:
    route name -> feature). Runs after URL resolution; the API gets its error format, pages a 404."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = settings.FEATURE_GATED_ROUTES.get(match.view_name) if match else None
        if name is None or _current_distributor() is None or feature_is_active(name=name, request=request):
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {
                    "code": "feature_disabled",
                    "message": f"{FEATURES[name].label} is not available for this distributor.",
                    "extra": {"feature": name},
                },
                status=403,
            )
        raise Http404(f"{FEATURES[name].label} is not available")


def features_context(request: HttpRequest) -> dict:
    """Template context: `features.family_view` and so on, for showing or hiding links."""
    if _current_distributor() is None:
        return {}
    return {"features": features_for_request(request)}
