"""OpenID Connect discovery as the toolkit serves it, less what we never issue: ID tokens are signed with
our RSA key only (RS256), so HS256 (a client-secret MAC the toolkit offers by default) is not advertised."""

import json

from django.http import JsonResponse
from oauth2_provider import views as dot_views

ID_TOKEN_ALGORITHMS = ["RS256"]


class DiscoveryView(dot_views.ConnectDiscoveryInfoView):
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        document = json.loads(response.content)
        document["id_token_signing_alg_values_supported"] = ID_TOKEN_ALGORITHMS
        fresh = JsonResponse(document)
        for header, value in response.items():
            if header.lower() not in ("content-length", "content-type"):
                fresh[header] = value
        return fresh
