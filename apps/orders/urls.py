"""URLs of apps.orders, mounted under /api/v1/ on each distributor's host."""

from django.urls import path

from apps.orders import apis, apis_baskets

app_name = "orders"

urlpatterns = [
    path("orders", apis.OrderListCreateApi.as_view(), name="list"),
    path("orders/<uuid:order_id>", apis.OrderDetailApi.as_view(), name="detail"),
    path("orders/<uuid:order_id>/confirm", apis.OrderConfirmApi.as_view(), name="confirm"),
    path("orders/<uuid:order_id>/otp", apis.OrderOtpResendApi.as_view(), name="otp-resend"),
    path("orders/<uuid:order_id>/cancel", apis.OrderCancelApi.as_view(), name="cancel"),
    path("orders/<uuid:order_id>/payment-link", apis.OrderPaymentLinkApi.as_view(), name="payment-link"),
    path("baskets", apis_baskets.BasketCreateApi.as_view(), name="baskets"),
    path("baskets/<uuid:basket_id>", apis_baskets.BasketDetailApi.as_view(), name="basket-detail"),
    path("baskets/<uuid:basket_id>/confirm", apis_baskets.BasketConfirmApi.as_view(), name="basket-confirm"),
    path("baskets/<uuid:basket_id>/otp", apis_baskets.BasketOtpResendApi.as_view(), name="basket-otp-resend"),
    path("baskets/<uuid:basket_id>/cancel", apis_baskets.BasketCancelApi.as_view(), name="basket-cancel"),
    path(
        "baskets/<uuid:basket_id>/payment-link", apis_baskets.BasketPaymentLinkApi.as_view(), name="basket-payment-link"
    ),
    path("sips", apis.SipListCreateApi.as_view(), name="sips"),
    path("sips/<uuid:sip_id>", apis.SipDetailApi.as_view(), name="sip-detail"),
    path("sips/<uuid:sip_id>/confirm", apis.SipConfirmApi.as_view(), name="sip-confirm"),
    path("sips/<uuid:sip_id>/cancel", apis.SipCancelApi.as_view(), name="sip-cancel"),
    path("mandates", apis.MandateListCreateApi.as_view(), name="mandates"),
    path("mandates/<uuid:mandate_id>", apis.MandateDetailApi.as_view(), name="mandate-detail"),
    path("mandates/<uuid:mandate_id>/confirm", apis.MandateConfirmApi.as_view(), name="mandate-confirm"),
]
