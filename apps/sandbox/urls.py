"""URLs of apps.sandbox, mounted by config/urls_public.py under /sandbox/ when settings.SANDBOX_ENABLED."""

from django.urls import include, path

from apps.sandbox import control, messaging
from apps.sandbox.bse import views as bse
from apps.sandbox.mfu import views as mfu

urlpatterns: list = [
    path("kra/", include("apps.sandbox.kra.urls")),
    # BSE StAR MF (SOAP 1.2): the same paths below /sandbox/bse/ as below BSE's host
    path("bse/MFOrderEntry/MFOrder.svc", bse.mf_order, name="sandbox-bse-mforder"),
    path("bse/MFOrderEntry/MFOrder.svc/Secure", bse.mf_order),
    path("bse/StarMFWebService/StarMFWebService.svc", bse.star_mf_web_service, name="sandbox-bse-services"),
    path("bse/StarMFWebService/StarMFWebService.svc/Basic", bse.star_mf_web_service),
    path("bse/StarMFWebService/StarMFWebService.svc/Secure", bse.star_mf_web_service),
    path("bse/pay/<str:token>", bse.payment_page, name="sandbox-bse-pay"),
    path("bse/SchemeMaster.txt", bse.scheme_master_file, name="sandbox-bse-scheme-master"),
    # MF Utilities (JSON)
    path("mfu/GetAccessTokenV1", mfu.access_token, name="sandbox-mfu-token"),
    path("mfu/api/<str:operation>", mfu.api, name="sandbox-mfu-api"),
    # messaging providers: MSG91 (SMS) and Firebase Cloud Messaging HTTP v1 (push)
    path("msg91/api/v5/flow", messaging.msg91_flow, name="sandbox-msg91-flow"),
    path("fcm/token", messaging.fcm_token, name="sandbox-fcm-token"),
    path("fcm/v1/projects/<str:project>/messages:send", messaging.fcm_send, name="sandbox-fcm-send"),
    # fault injection and state, for tests and demos
    path("control/faults", control.faults, name="sandbox-faults"),
    path("control/state", control.state, name="sandbox-state"),
]
