from django.urls import path

from apps.sandbox.kra import views

urlpatterns = [
    path("", views.pan_validation, name="sandbox-kra-pan-validation"),
    path("pans/<str:pan>", views.pan_override, name="sandbox-kra-pan-override"),
]
