"""Celery tasks of the consultations: thin, idempotent, scheduled by beat.

``anonymise_due_consultations`` cuts the personal data of every consultation whose retention
period has passed; ``close_due_consultations`` closes the open consultations past their
closing time. Both find their own work, so a missed or repeated run does no harm.
"""

from __future__ import annotations

from celery import shared_task

from consultation import services


@shared_task(acks_late=True)
def anonymise_due_consultations() -> int:
    return services.anonymise_due_consultations()


@shared_task(acks_late=True)
def close_due_consultations() -> int:
    return services.close_due_consultations()
