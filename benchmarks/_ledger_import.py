"""The import's benchmark: a 50,000-row commitments CSV staged and confirmed.

``run(rows=...)`` works inside the scratch database ``benchmarks/ledger.py`` has set up
(Django configured, see _common.scratch_database). It creates what the file needs (one
programme with a hundred projects, one partner and its representative), writes the CSV, and
times ``import_stage`` + ``import_confirm`` in a child process (multiprocessing, fork), so that
the peak memory is the import's alone: the child's ``ru_maxrss`` (resource.RUSAGE_CHILDREN, in
KiB on Linux). The file is imported synchronously (REGIA_IMPORT_ASYNC_ROWS raised above it),
as a Celery worker would run it.
"""

from __future__ import annotations

import multiprocessing
import resource
import time
from pathlib import Path
from tempfile import TemporaryDirectory

PROJECTS = 100


def _world():
    from django.contrib.auth import get_user_model

    from partners.models import Membership, Organisation
    from partners.services import organisation_group
    from programme.models import Programme, Project, ProjectParticipation

    municipality = Organisation.objects.create(
        name="Comune di Prato (import)", kind="municipality", tax_code="84006890481"
    )
    programme = Programme.objects.create(
        name="Prato Smart City (import)",
        slug="prato-import",
        owner=municipality,
        status=Programme.Status.PUBLISHED,
    )
    projects = Project.objects.bulk_create(
        Project(
            programme=programme,
            title=f"Progetto {n}",
            status="proposed",
            lead_organisation=municipality,
        )
        for n in range(PROJECTS)
    )
    partner = Organisation.objects.create(
        name="Gida S.p.A. (import)", kind="utility", tax_code="01668100979"
    )
    user = get_user_model().objects.create_user("import.gida")
    Membership.objects.create(user=user, organisation=partner, role=Membership.Role.REPRESENTATIVE)
    user.groups.add(organisation_group(partner))
    # The partner takes part in every project, so it reads them.
    ProjectParticipation.objects.bulk_create(
        ProjectParticipation(project=project, organisation=partner, role="co_financer")
        for project in projects
    )
    return user, partner, projects


def _write_csv(path: Path, *, rows: int, partner, projects) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(
            "organisation_tax_code;external_reference;project_id;year;kind;amount;"
            "subject_to_budget_availability;act_reference;description\r\n"
        )
        for n in range(rows):
            project = projects[n % len(projects)]
            act = f"Delibera CdA {n}/2025" if n % 2 else ""
            out.write(
                f"{partner.tax_code};GIDA-{n:06d};{project.pk};{2024 + n % 3};cash_transfer;"
                f"{1000 + n % 997}.{n % 100:02d};sì;{act};Quota {n}\r\n"
            )


def _import(path: str, user_id: int, queue) -> None:
    from django import db
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from funding import services

    db.connections.close_all()  # the child opens its own connection
    settings.REGIA_IMPORT_ASYNC_ROWS = 10**9
    settings.REGIA_IMPORT_MAX_BYTES = settings.REGIA_UPLOAD_MAX_BYTES
    user = get_user_model().objects.get(pk=user_id)
    start = time.perf_counter()
    upload = SimpleUploadedFile("impegni.csv", Path(path).read_bytes())
    batch = services.import_stage(uploader=user, kind="commitments", file=upload)
    staged = time.perf_counter() - start
    batch = services.import_confirm(batch=batch, actor=user)
    queue.put(
        {
            "seconds": time.perf_counter() - start,
            "stage_seconds": staged,
            "status": batch.status,
            "created": batch.objects_created,
            "errors": batch.errors[:3],
        }
    )


def run(*, rows: int) -> dict:
    """Stage and confirm a ``rows``-row commitments CSV; seconds and peak MB of the import."""
    from django import db

    user, partner, projects = _world()
    with TemporaryDirectory() as directory:
        path = Path(directory) / "impegni.csv"
        _write_csv(path, rows=rows, partner=partner, projects=projects)
        db.connections.close_all()  # never share a connection with the child
        context = multiprocessing.get_context("fork")
        queue = context.Queue()
        child = context.Process(target=_import, args=(str(path), user.pk, queue))
        child.start()
        result = queue.get()
        child.join()
    if result["status"] != "applied" or result["created"] != rows:
        raise RuntimeError(f"The import did not apply: {result}")
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "rows": rows,
        "seconds": round(result["seconds"], 2),
        "stage_seconds": round(result["stage_seconds"], 2),
        "peak_mb": round(peak_kib / 1024, 1),
    }
