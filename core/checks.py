"""System checks for what a deployment must get right."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register


@register()
def private_storage_outside_web_root(app_configs, **kwargs):
    """Uploaded documents must never be reachable under the media or static URL."""
    private = Path(settings.PRIVATE_STORAGE_ROOT).resolve()
    errors = []
    for name in ("MEDIA_ROOT", "STATIC_ROOT"):
        public = Path(getattr(settings, name)).resolve()
        if private == public or public in private.parents or private in public.parents:
            errors.append(
                Error(
                    f"REGIA_PRIVATE_STORAGE_ROOT ({private}) overlaps {name} ({public}).",
                    hint="Keep private documents in a folder of their own, outside the web root.",
                    id="regia.E001",
                )
            )
    return errors
