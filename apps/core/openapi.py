"""OpenAPI helpers shared by the apps' API modules."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework.views import APIView


def name_nested_serializers(namespace: dict) -> None:
    """Nested InputSerializer/OutputSerializer classes share their class names across views; give each its
    own OpenAPI component name (MeApi.InputSerializer -> MeInput). Call at the end of an apis module with
    `name_nested_serializers(globals())`."""
    for name, view in list(namespace.items()):
        if not (isinstance(view, type) and issubclass(view, APIView) and name.endswith("Api")):
            continue
        for kind in ("Input", "Output"):
            serializer = view.__dict__.get(f"{kind}Serializer")
            if serializer is not None:
                extend_schema_serializer(component_name=f"{name[:-3]}{kind}")(serializer)
