"""The import pages: who may use them, the preview in the user's language, the large-file path."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from funding import services
from funding.models import Commitment, ImportBatch
from tests.core import files
from tests.funding.test_import import commitments_csv

pytestmark = pytest.mark.django_db
S = ImportBatch.Status


@pytest.fixture
def batch(partner, project, partner_rep):
    return services.import_stage(
        uploader=partner_rep,
        kind="commitments",
        file=commitments_csv(partner, project, {"amount": "-3"}, {}),
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [("partner_rep", 200), ("manager", 200), ("council_member", 403), ("citizen", 403)],
)
@pytest.mark.parametrize("name", ["funding:import-list", "funding:import-new"])
def test_only_partners_and_managers_reach_the_import_pages(client, request, role, expected, name):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse(name))
    assert response.status_code == expected
    if expected == 403:
        assert b"Only partner representatives" in response.content or response.status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    assert client.get(reverse("funding:import-new")).status_code == 302


@pytest.mark.parametrize("role", ["manager", "council_member", "citizen", "admin_user"])
def test_a_staged_import_is_its_uploaders_alone(client, request, batch, role):
    client.force_login(request.getfixturevalue(role))
    for name in ("funding:import-detail", "funding:import-confirm", "funding:import-discard"):
        method = client.get if name == "funding:import-detail" else client.post
        assert method(reverse(name, args=[batch.pk])).status_code == 404
    assert ImportBatch.objects.filter(pk=batch.pk).exists()


def test_the_preview_lists_the_errors_in_italian(client, partner_rep, batch):
    client.force_login(partner_rep)
    response = client.get(
        reverse("funding:import-detail", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="it"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "L&#x27;importo deve essere maggiore di zero." in content
    assert "amount" in content  # the column as the file names it
    assert 'id="import-errors"' in content


def test_upload_then_confirm_through_the_pages(client, partner, project, partner_rep):
    client.force_login(partner_rep)
    response = client.post(
        reverse("funding:import-new"),
        {"kind": "commitments", "file": commitments_csv(partner, project, {}, {})},
    )
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert batch.status == S.READY

    response = client.post(reverse("funding:import-confirm", args=[batch.pk]))

    assert response.status_code == 302
    assert Commitment.objects.count() == 2


def test_a_refused_file_is_explained_on_the_form(client, partner_rep):
    client.force_login(partner_rep)
    response = client.post(
        reverse("funding:import-new"),
        {"kind": "commitments", "file": SimpleUploadedFile("impegni.csv", files.EXE)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "This kind of file is not accepted" in response.content.decode()
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_templates_carry_the_importable_headers(client, partner_rep, fmt):
    client.force_login(partner_rep)
    response = client.get(reverse("funding:import-template", args=["commitments", fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


@override_settings(REGIA_IMPORT_ASYNC_ROWS=3)
def test_a_large_file_runs_in_the_tasks_with_progress(
    client, partner, project, partner_rep, django_capture_on_commit_callbacks
):
    rows = [{"external_reference": f"R{n}"} for n in range(5)]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        batch = services.import_stage(
            uploader=partner_rep, kind="commitments", file=commitments_csv(partner, project, *rows)
        )
    assert (batch.status, len(queued)) == (S.STAGED, 1)
    client.force_login(partner_rep)
    page = client.get(
        reverse("funding:import-detail", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert 'hx-trigger="every 2s"' in page and "<progress" in page
    assert "Reload the page" in page  # without JavaScript

    queued[0]()  # the worker (eager) checks the file
    batch.refresh_from_db()
    assert (batch.status, batch.rows_validated, batch.rows_new) == (S.READY, 5, 5)
    polled = client.get(reverse("funding:import-detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert polled["HX-Refresh"] == "true"

    with django_capture_on_commit_callbacks(execute=True):
        batch = services.import_confirm(batch=batch, actor=partner_rep)
    batch.refresh_from_db()
    assert batch.status == S.APPLIED
    assert Commitment.objects.count() == 5


def test_the_partner_sees_imported_commitments_in_the_api(client, partner, project, partner_rep):
    batch = services.import_stage(
        uploader=partner_rep, kind="commitments", file=commitments_csv(partner, project, {})
    )
    services.import_confirm(batch=batch, actor=partner_rep)
    client.force_login(partner_rep)
    response = client.get("/api/v1/commitments/")
    assert response.status_code == 200
    assert [row["external_reference"] for row in response.json()["results"]] == ["GIDA-1"]
