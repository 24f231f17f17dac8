"""Control endpoints of the simulators: plan faults, look at the order books (tests, demos)."""

import json

from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.sandbox.faults import fault_clear, fault_plan
from apps.sandbox.models import BseOrder, Fault, MfuOrder


@csrf_exempt
def faults(request: HttpRequest) -> HttpResponse:
    """GET lists planned faults; POST plans one ({target, kind, operation, match, delay_ms, message, times});
    DELETE clears them (?target=bse)."""
    if request.method == "GET":
        rows = list(
            Fault.objects.values("id", "target", "operation", "match", "kind", "delay_ms", "remaining", "fired")
        )
        return JsonResponse({"faults": rows})
    if request.method == "DELETE":
        return JsonResponse({"deleted": fault_clear(target=request.GET.get("target"))})
    if request.method != "POST":
        return HttpResponse(status=405)
    try:
        data = json.loads(request.body)
        if data["kind"] not in Fault.Kind.values:
            raise ValueError(data["kind"])
    except (ValueError, KeyError, TypeError) as exc:
        return JsonResponse({"error": f"bad fault: {exc}"}, status=400)
    fault = fault_plan(
        target=data.get("target", "bse"), kind=data["kind"], operation=data.get("operation", "*"),
        match=data.get("match", ""), delay_ms=int(data.get("delay_ms", 0)), message=data.get("message", ""),
        times=int(data.get("times", 1)),
    )  # fmt: skip
    return JsonResponse({"id": fault.pk}, status=201)


def state(request: HttpRequest) -> HttpResponse:
    """Counts of the simulated order books and any reference recorded twice (there should be none)."""
    bse_dupes = list(
        BseOrder.objects.exclude(ref_no="").exclude(kind="sip").values("member_id", "ref_no")
        .annotate(n=Count("id")).filter(n__gt=1).values_list("ref_no", flat=True)[:50]
    )  # fmt: skip
    mfu_dupes = list(
        MfuOrder.objects.exclude(reference="").values("entity_id", "reference")
        .annotate(n=Count("id")).filter(n__gt=1).values_list("reference", flat=True)[:50]
    )  # fmt: skip
    return JsonResponse(
        {
            "bse_orders": BseOrder.objects.count(),
            "mfu_orders": MfuOrder.objects.count(),
            "bse_duplicate_refs": bse_dupes,
            "mfu_duplicate_refs": mfu_dupes,
        }
    )
