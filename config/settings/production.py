"""Production: PostgreSQL, Redis, a real secret key, HTTPS. Refuses to start when misconfigured."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, REGIA_TRUSTED_PROXY_COUNT, SECRET_KEY, env

if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set to a random value of at least 50 characters."
    )

DEBUG = False
REGIA_DEMO_DATA_ALLOWED = env.bool("REGIA_DEMO_DATA_ALLOWED", default=False)
# PostgreSQL in production: no silent fallback to SQLite.
DATABASES = {
    "default": {
        **env.db("DATABASE_URL"),
        "CONN_MAX_AGE": DATABASES["default"]["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": True,
    }
}
# Its own Redis database: clearing the cache must never flush Celery's queue (REDIS_URL).
CACHES = {"default": env.cache("CACHE_URL", default="redis://127.0.0.1:6379/1")}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Trust the proxy's word on HTTPS only when there is a trusted proxy in front.
if REGIA_TRUSTED_PROXY_COUNT > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
