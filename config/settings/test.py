"""Tests: the database from DATABASE_URL (SQLite by default), fast hashing, eager Celery."""

import tempfile
from pathlib import Path

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

SECRET_KEY = "test-only-secret-key-not-used-anywhere-else"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]

_scratch = Path(tempfile.mkdtemp(prefix="regia-test-"))
MEDIA_ROOT = _scratch / "media"
STATIC_ROOT = _scratch / "static"
STATIC_ROOT.mkdir()
WHITENOISE_USE_FINDERS = True
PRIVATE_STORAGE_ROOT = _scratch / "private"
STORAGES = {
    **STORAGES,
    "private": {
        "BACKEND": "core.uploads.PrivateStorage",
        "OPTIONS": {"location": PRIVATE_STORAGE_ROOT},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# django-axes wants a request in every authenticate(); the test client's login() has none.
# Lockout tests switch it back on with override_settings(AXES_ENABLED=True).
AXES_ENABLED = False
