import ipaddress

from django.conf import settings

from core.audit import RequestContext, reset_request_context, set_request_context


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the entry the trusted proxies appended.

    With N trusted proxies in front of Django, the N-th address from the right of
    X-Forwarded-For is the one the outermost trusted proxy saw; anything left of it was
    written by the client and cannot be trusted.
    """
    proxies = settings.REGIA_TRUSTED_PROXY_COUNT
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies and _is_ip(forwarded[-proxies]):
            return forwarded[-proxies]
    remote = request.META.get("REMOTE_ADDR", "")
    return remote if _is_ip(remote) else None


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class RequestContextMiddleware:
    """Make the client's IP and user agent available to ``audit_record`` for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_context(
            RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)
