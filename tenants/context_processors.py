from tenants.branding import branding_for_request


def branding(request):
    return {"brand": branding_for_request(request)}
