"""Celery tasks of the ledger: thin, by id, idempotent, enqueued on commit by the services.

A staged import larger than REGIA_IMPORT_ASYNC_ROWS is checked and applied here; its page
polls the batch's progress. ``acks_late``: a worker that dies mid-task leaves the message to
another, and the services start the step over (checking) or find it done (applying, which
commits the batch's new status with the records).
"""

from __future__ import annotations

from celery import shared_task

from funding import services
from funding.models import ImportBatch


@shared_task(acks_late=True)
def validate_import(batch_id: int) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        services.import_validate(batch=batch)


@shared_task(acks_late=True)
def apply_import(batch_id: int) -> None:
    batch = ImportBatch.objects.filter(pk=batch_id).first()
    if batch is not None:
        services.import_apply(batch=batch)


@shared_task(acks_late=True)
def purge_expired_imports() -> int:
    return services.import_purge_expired()
