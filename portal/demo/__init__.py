"""The demo data: Livorno's and Prato's smart-city stories, told through the services.

``seed_demo`` is idempotent. Users and organisations are found by username and name and
created only when missing; each programme's story is told only when its slug is not taken
yet (each programme's consultation only when the programme lacks it), and all of it runs in
one transaction, so a failure leaves nothing half-told.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from portal.demo import livorno, prato
from portal.demo.cast import DEMO_PASSWORD, DEMO_USERNAMES, cast_assemble
from portal.demo.consultations import seed_consultations
from programme.models import Programme

__all__ = ["DEMO_PASSWORD", "DEMO_USERNAMES", "STORIES", "SeedReport", "seed_demo"]

# Each programme's slug marks its story as told.
STORIES = {livorno.SLUG: livorno.seed_livorno, prato.SLUG: prato.seed_prato}


@dataclass
class SeedReport:
    users_created: int = 0
    organisations_created: int = 0
    programmes: list[str] = field(default_factory=list)
    consultations: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.users_created
            or self.organisations_created
            or self.programmes
            or self.consultations
        )


@transaction.atomic
def seed_demo() -> SeedReport:
    cast = cast_assemble()
    report = SeedReport(
        users_created=cast.users_created, organisations_created=cast.organisations_created
    )
    told = set(Programme.objects.filter(slug__in=STORIES).values_list("slug", flat=True))
    for slug, tell in STORIES.items():
        if slug not in told:
            report.programmes.append(tell(cast).name)
    # Each programme's consultation, told once (also for a programme seeded before them).
    report.consultations = seed_consultations(cast)
    return report
