from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.demo import DEMO_PASSWORD, seed_demo
from programme.models import Programme


class Command(BaseCommand):
    help = (
        "Load the demo data (Livorno's and Prato's smart-city programmes, their partners and "
        "the demo accounts). Idempotent: what already exists is left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when the database holds no programme at all.",
        )

    def handle(self, *args, if_empty: bool, **options):
        if not settings.REGIA_DEMO_DATA_ALLOWED:
            # The demo accounts share a published password, a superuser among them.
            raise CommandError(
                _(
                    "Demo data is not allowed here (REGIA_DEMO_DATA_ALLOWED is off, as in "
                    "production): it creates accounts whose password is public."
                )
            )
        if if_empty and (count := Programme.objects.count()):
            self.stdout.write(
                ngettext(
                    "The database already holds %(count)d programme: demo data not loaded.",
                    "The database already holds %(count)d programmes: demo data not loaded.",
                    count,
                )
                % {"count": count}
            )
            return
        try:
            report = seed_demo()
        except ValidationError as error:
            raise CommandError(
                _("The demo data could not be loaded, nothing was saved: %(error)s")
                % {"error": "; ".join(error.messages)}
            ) from error
        if not report.changed_anything:
            self.stdout.write(_("The demo data is already loaded: nothing changed."))
            return
        accounts = ngettext("%(count)d account", "%(count)d accounts", report.users_created) % {
            "count": report.users_created
        }
        organisations = ngettext(
            "%(count)d organisation", "%(count)d organisations", report.organisations_created
        ) % {"count": report.organisations_created}
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Demo data loaded: %(programmes)s; %(accounts)s (password “%(password)s”) "
                    "and %(organisations)s created."
                )
                % {
                    "programmes": ", ".join(report.programmes) or "—",
                    "accounts": accounts,
                    "organisations": organisations,
                    "password": DEMO_PASSWORD,
                }
            )
        )
