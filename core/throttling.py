"""The API's throttles (their own module: DRF imports them while it is still loading)."""

from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from core.middleware import client_ip


class ClientIPMixin:
    """Count requests per client IP as core.middleware.client_ip sees it: behind the trusted
    proxies only, so a forged X-Forwarded-For escapes nothing."""

    def get_ident(self, request):
        return client_ip(request) or ""


class AnonThrottle(ClientIPMixin, AnonRateThrottle):
    pass


class UserThrottle(ClientIPMixin, UserRateThrottle):
    pass
