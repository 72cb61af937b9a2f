"""The audit log in the back office, narrowed to what each user may read.

core's page shows every entry; core cannot know programmes, so portal, which reads every
app, registers the page again with the scope of ``audit_entries_visible_to``.
"""

from django.contrib import admin

from core.admin import AuditEntryAdmin
from core.models import AuditEntry
from portal.selectors import audit_entries_visible_to


class ScopedAuditEntryAdmin(AuditEntryAdmin):
    """A programme manager reads the entries of their programmes; an administrator, all."""

    def get_queryset(self, request):
        return audit_entries_visible_to(request.user, super().get_queryset(request))


admin.site.unregister(AuditEntry)
admin.site.register(AuditEntry, ScopedAuditEntryAdmin)
