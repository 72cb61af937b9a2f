from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

FIRST_YEAR, LAST_YEAR = 2000, 2100


def year_choices() -> list[tuple[int, str]]:
    return [(year, str(year)) for year in range(FIRST_YEAR, LAST_YEAR + 1)]


def YearField(verbose_name=None, **kwargs) -> models.PositiveSmallIntegerField:
    """A calendar or financial year, 2000–2100.

    The choices make forms offer a list and make Django show “2026”, never the number
    grouped as “2.026”.
    """
    return models.PositiveSmallIntegerField(verbose_name, choices=year_choices, **kwargs)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One row per service call: who did what to which object, when, and from where.

    Append-only: rows are written by ``core.audit.audit_record`` and never changed.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    actor_repr = models.CharField(_("actor (as recorded)"), max_length=150, blank=True)
    verb = models.CharField(_("verb"), max_length=80, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, db_index=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.actor_repr or '-'} {self.verb} {self.target_repr}"
