"""The back office: every admin page opens, actions go through the services, money stays put.

The demo data is loaded once for the module, inside a transaction rolled back at its end;
each test's own writes are rolled back after it, as usual.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from core.models import AuditEntry
from funding.models import Allocation, Contract, FundSource, Transaction
from funding.services import transaction_record
from partners.models import Agreement, Obligation, Organisation, Signatory
from programme.admin import ProjectAdmin
from programme.models import (
    AuthorisingAct,
    Milestone,
    Programme,
    Project,
    ProjectParticipation,
    Risk,
    StatusChange,
)
from programme.services import project_create, project_transition
from tests.factories import ContractFactory, FundSourceFactory, ImportBatchFactory

DEMO_PASSWORD = "regia-demo"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        # Roles become groups in a later issue; one group already puts its pages in the walk.
        Group.objects.get_or_create(name="Programme managers")
        yield
        transaction.set_rollback(True)


@pytest.fixture
def superuser(demo, db):
    return get_user_model().objects.get(username="admin")


@pytest.fixture
def back_office(client, superuser):
    """A client logged in as the demo's administrator."""
    assert client.login(username="admin", password=DEMO_PASSWORD)
    return client


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def run_action(client, model, action: str, objects, **details):
    data = {"action": action, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects], **details}
    return client.post(admin_url(model, "changelist"), data)


def sent_messages(response) -> list[tuple[int, str]]:
    return [(message.level, str(message)) for message in get_messages(response.wsgi_request)]


def form_data(response) -> dict:
    """What a change page sends back when saved untouched: its form and its inlines."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False or isinstance(value, File):
                continue
            if isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            else:
                data[field.html_name] = "on" if value is True else str(value)
    return data


REGIA_APPS = {"core", "partners", "programme", "funding", "auth"}


def test_every_admin_page_opens(back_office, superuser):
    # The demo stages no import: one staged here puts the imports' pages in the walk.
    ImportBatchFactory(uploader=superuser)
    request = RequestFactory().get("/")
    request.user = superuser
    failures = []

    def check(url: str) -> None:
        status = back_office.get(url).status_code
        if status != 200:
            failures.append(f"{url}: {status}")

    for model, model_admin in admin.site._registry.items():
        check(admin_url(model, "changelist"))
        obj = model_admin.get_queryset(request).first()
        if obj is None:
            # Third-party logs (django-axes' login attempts) may well be empty.
            if model._meta.app_label in REGIA_APPS:
                failures.append(f"{model._meta.label}: no object to open")
            continue
        check(admin_url(model, "change", obj.pk))
        if model_admin.has_add_permission(request):
            check(admin_url(model, "add"))
        if isinstance(model_admin, SimpleHistoryAdmin):
            check(admin_url(model, "history", obj.pk))
            version = obj.history.first()
            check(admin_url(model, "simple_history", obj.pk, version.pk))

    assert failures == []


def test_models_with_history_show_it():
    for model, model_admin in admin.site._registry.items():
        if hasattr(model, "history"):
            assert isinstance(model_admin, SimpleHistoryAdmin), model._meta.label


def test_no_status_is_edited_by_hand(superuser):
    """Statuses move through their services' actions; a risk's status has no workflow."""
    request = RequestFactory().get("/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        if model is Risk or "status" not in {field.name for field in model._meta.fields}:
            continue
        obj = model_admin.get_queryset(request).first()
        for form in (
            model_admin.get_form(request),
            model_admin.get_form(request, obj, change=True),
        ):
            assert "status" not in form.base_fields, model._meta.label


def test_changelists_run_no_query_per_row(back_office, superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    growing = []
    for model, model_admin in admin.site._registry.items():
        pks = [str(pk) for pk in model_admin.get_queryset(request).values_list("pk", flat=True)]
        pks = pks[:20]
        if len(pks) < 3:
            continue
        url = admin_url(model, "changelist")
        with CaptureQueriesContext(connection) as one_row:
            back_office.get(url, {"pk__in": pks[0]})
        with CaptureQueriesContext(connection) as many_rows:
            back_office.get(url, {"pk__in": ",".join(pks)})
        # A query per row would add at least one query for each row added; prefetching a
        # generic relation adds one per kind of target, far fewer.
        if len(many_rows) - len(one_row) >= len(pks) - 1:
            growing.append(f"{model._meta.label}: {len(one_row)} → {len(many_rows)} queries")
    assert growing == []


def test_action_calls_the_service_and_writes_its_audit_row(back_office):
    milestone = Milestone.objects.filter(completed_on__isnull=True).first()

    response = run_action(back_office, Milestone, "complete", [milestone])

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == timezone.localdate()
    assert AuditEntry.objects.filter(
        verb="milestone.completed", target_id=str(milestone.pk), actor_repr="admin"
    ).exists()
    assert [level for level, _ in sent_messages(response)] == [messages.SUCCESS]


def test_action_on_object_in_wrong_state_shows_error_and_changes_nothing(back_office):
    milestone = Milestone.objects.filter(completed_on__isnull=False).first()
    completed_on = milestone.completed_on
    audit_rows = AuditEntry.objects.count()

    response = run_action(back_office, Milestone, "complete", [milestone])

    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == completed_on
    assert AuditEntry.objects.count() == audit_rows
    [(level, text)] = sent_messages(response)
    assert level == messages.ERROR
    assert milestone.title in text


def test_publishing_a_published_programme_is_refused(back_office):
    programme = Programme.objects.filter(status=Programme.Status.PUBLISHED).first()
    audit_rows = AuditEntry.objects.count()

    response = run_action(back_office, Programme, "publish", [programme])

    assert [level for level, _ in sent_messages(response)] == [messages.ERROR]
    assert AuditEntry.objects.count() == audit_rows


@pytest.fixture
def project_under_assessment(superuser):
    programme = Programme.objects.get(slug="innovare-livorno")
    project = project_create(
        actor=superuser,
        programme=programme,
        title="Sensori di qualità dell'aria",
        lead_organisation=programme.owner,
        cup="D41H19000010007",
    )
    return project_transition(project=project, to=Project.Status.UNDER_ASSESSMENT, actor=superuser)


def test_approval_asks_for_the_act_then_records_it(back_office, project_under_assessment):
    project = project_under_assessment

    page = run_action(back_office, Project, "approve", [project])

    assert page.status_code == 200
    assert "act_number" in page.context["form"].fields
    project.refresh_from_db()
    assert project.status == Project.Status.UNDER_ASSESSMENT

    response = run_action(
        back_office,
        Project,
        "approve",
        [project],
        apply="1",
        act_kind=AuthorisingAct.GIUNTA,
        act_number="142",
        act_date="2024-03-12",
        note="Approvato in Giunta.",
    )

    assert response.status_code == 302
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED
    step = StatusChange.objects.filter(object_id=project.pk, to_status="approved").get()
    assert (step.act_kind, step.act_number, step.act_date) == (
        AuthorisingAct.GIUNTA,
        "142",
        date(2024, 3, 12),
    )
    assert step.actor.username == "admin"
    assert AuditEntry.objects.filter(
        verb="project.transitioned", target_id=str(project.pk)
    ).exists()


def test_approval_without_an_act_number_stays_on_the_form(back_office, project_under_assessment):
    project = project_under_assessment

    response = run_action(
        back_office,
        Project,
        "approve",
        [project],
        apply="1",
        act_kind=AuthorisingAct.GIUNTA,
        act_date="2024-03-12",
        note="Approvato.",
    )

    assert response.status_code == 200
    assert "act_number" in response.context["form"].errors
    project.refresh_from_db()
    assert project.status == Project.Status.UNDER_ASSESSMENT


def test_adding_a_project_goes_through_the_service(back_office):
    programme = Programme.objects.get(slug="innovare-livorno")

    response = back_office.post(
        admin_url(Project, "add"),
        {
            "programme": programme.pk,
            "title": "Illuminazione intelligente",
            "lead_organisation": programme.owner.pk,
            "total_cost": "250000.00",
        },
    )

    assert response.status_code == 302
    project = Project.objects.get(title="Illuminazione intelligente")
    assert project.status == Project.Status.PROPOSED
    assert project.participations.get().organisation == programme.owner
    assert AuditEntry.objects.filter(verb="project.created", target_id=str(project.pk)).exists()


def test_a_refused_addition_shows_the_reason_on_the_form(back_office):
    source = FundSource.objects.first()
    project = source.programme.projects.first()
    allocations = Allocation.objects.count()

    response = back_office.post(
        admin_url(Allocation, "add"),
        {
            "fund_source": source.pk,
            "project": project.pk,
            "year": "2030",
            "amount": str(source.total + Decimal("1.00")),
        },
    )

    assert response.status_code == 200
    assert "amount" in response.context["adminform"].form.errors
    assert Allocation.objects.count() == allocations


def test_transaction_is_read_only_and_cannot_be_deleted(back_office):
    entry = Transaction.objects.first()

    page = back_office.get(admin_url(Transaction, "change", entry.pk))

    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'name="_continue"' not in html
    assert admin_url(Transaction, "delete", entry.pk) not in html
    assert (
        back_office.post(admin_url(Transaction, "delete", entry.pk), {"post": "yes"}).status_code
        == 403
    )
    assert back_office.post(admin_url(Transaction, "change", entry.pk), {}).status_code == 403
    assert Transaction.objects.filter(pk=entry.pk).exists()


def test_transaction_is_corrected_by_a_reversal(back_office, superuser):
    project = Project.objects.filter(status=Project.Status.IN_PROGRESS).exclude(cup="").first()
    entry = transaction_record(
        actor=superuser,
        project=project,
        phase=Transaction.Phase.IMPEGNO,
        amount=Decimal("1200.00"),
        financial_year=2024,
        recorded_on=date(2024, 5, 2),
        act_kind=AuthorisingAct.DETERMINA,
        act_number="D-77",
        act_date=date(2024, 5, 2),
    )

    response = run_action(
        back_office, Transaction, "reverse", [entry], apply="1", reason="Importo errato."
    )

    assert response.status_code == 302
    reversal = Transaction.objects.get(reverses=entry)
    assert reversal.amount == Decimal("-1200.00")
    assert reversal.reason == "Importo errato."
    assert AuditEntry.objects.filter(verb="transaction.reversed", target_id=str(entry.pk)).exists()


def test_history_can_be_read_but_not_restored(back_office):
    project = Project.objects.first()
    version = project.history.last()
    url = admin_url(Project, "simple_history", project.pk, version.pk)

    assert back_office.get(url).status_code == 200
    assert back_office.post(url, {"title": "Restored"}).status_code == 403


def test_agreement_document_is_uploaded_through_the_service_and_linked_to_its_view(back_office):
    agreement = Agreement.objects.first()
    url = admin_url(Agreement, "change", agreement.pk)
    data = form_data(back_office.get(url))
    data["new_document"] = SimpleUploadedFile(
        "protocollo.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
    )

    response = back_office.post(url, data)

    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.document.name.endswith(".pdf")
    assert AuditEntry.objects.filter(
        verb="agreement.document_attached", target_id=str(agreement.pk)
    ).exists()
    page = back_office.get(url).content.decode()
    download = reverse("partners:agreement-document", args=[agreement.pk])
    assert f'href="{download}"' in page
    assert back_office.get(download).status_code == 200


def test_a_refused_upload_changes_nothing(back_office):
    agreement = Agreement.objects.first()
    document = agreement.document.name
    url = admin_url(Agreement, "change", agreement.pk)
    data = form_data(back_office.get(url))
    data["new_document"] = SimpleUploadedFile("protocollo.pdf", b"#!/bin/sh\necho not a pdf\n")

    response = back_office.post(url, data)

    assert response.status_code == 200
    assert "new_document" in response.context["adminform"].form.errors
    agreement.refresh_from_db()
    assert agreement.document.name == document


def test_obligation_added_inline_must_be_a_signatorys(back_office):
    agreement = Agreement.objects.first()
    outsider = Organisation.objects.exclude(signatures__agreement=agreement).first()
    url = admin_url(Agreement, "change", agreement.pk)
    data = form_data(back_office.get(url))
    obligations = agreement.obligations.count()
    total = int(data["obligations-TOTAL_FORMS"])
    data.update(
        {
            "obligations-TOTAL_FORMS": str(total + 1),
            f"obligations-{total}-organisation": str(outsider.pk),
            f"obligations-{total}-description": "Condividere i dati dei parcheggi.",
            f"obligations-{total}-due_on": "2025-12-31",
        }
    )

    response = back_office.post(url, data)

    assert response.status_code == 200
    assert response.context["errors"]
    assert agreement.obligations.count() == obligations


# Every column a changelist offers to sort by sorts.


def test_every_changelist_sorts_by_every_column(back_office):
    failures = []
    for model in admin.site._registry:
        url = admin_url(model, "changelist")
        # The changelist's own columns, with the selection checkbox first when it has actions.
        columns = back_office.get(url).context["cl"].list_display
        for index in range(len(columns)):
            for order in (str(index), f"-{index}"):
                try:
                    status = back_office.get(url, {"o": order}).status_code
                except Exception as error:  # every failure is listed below
                    status = repr(error)
                if status != 200:
                    failures.append(f"{url}?o={order} ({columns[index]}): {status}")
    assert failures == []


def test_projects_sort_by_progress(back_office):
    column = ProjectAdmin.list_display.index("progress") + 1  # after the selection checkbox

    response = back_office.get(admin_url(Project, "changelist"), {"o": str(column)})

    progress = [project.progress() for project in response.context["cl"].result_list]
    assert len(progress) > 1
    assert progress == sorted(progress)


def test_every_page_and_inline_takes_a_web_address_without_scheme_as_https(superuser):
    request = RequestFactory().get("/")
    request.user = superuser
    pages = []
    for model, model_admin in admin.site._registry.items():
        pages.append(model_admin)
        pages += [inline(model, admin.site) for inline in model_admin.inlines]
    checked = 0
    for page in pages:
        for field in page.model._meta.fields:
            if isinstance(field, models.URLField):
                formfield = page.formfield_for_dbfield(field, request)
                assert formfield.assume_scheme == "https", f"{page}: {field.name}"
                checked += 1
    # The organisations' website and the data-sharing endpoints, on their pages and inline.
    assert checked >= 3


# Change pages do not get around the rules: a forbidden edit is refused or not offered, and
# changes nothing.


@pytest.fixture
def in_english(back_office, english):
    """The back office in English, so that tests can read its messages."""
    back_office.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return back_office


def page_errors(response) -> str:
    """Every error a change page shows: on its form, on its inlines' rows and above them."""
    messages = []
    # Django lists a form's and a row's errors as lists, an inline's own errors one by one.
    for errors in response.context["errors"]:
        messages += [errors] if isinstance(errors, str) else [str(error) for error in errors]
    return " ".join(messages)


def inline_row(data: dict, prefix: str, obj) -> str:
    """The form prefix of ``obj``'s row in the inline formset ``prefix`` of a change page."""
    for index in range(int(data[f"{prefix}-TOTAL_FORMS"])):
        if data.get(f"{prefix}-{index}-id") == str(obj.pk):
            return f"{prefix}-{index}"
    raise LookupError(f"{obj!r} is not in the inline {prefix}")


def add_inline_row(data: dict, prefix: str, **fields) -> None:
    index = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
    data.update({f"{prefix}-{index}-{name}": str(value) for name, value in fields.items()})


def change_page(client, obj) -> tuple[str, dict]:
    """The change page's URL and what it sends back when saved untouched."""
    url = admin_url(type(obj), "change", obj.pk)
    return url, form_data(client.get(url))


def offered_fields(client, obj) -> set[str]:
    return set(client.get(admin_url(type(obj), "change", obj.pk)).context["adminform"].form.fields)


@pytest.fixture
def obliged_signatory(demo, db) -> Signatory:
    """A signatory of the Prato protocol with obligations under it."""
    return Signatory.objects.filter(
        agreement__title__contains="pratese", organisation__short_name="Citelum"
    ).get()


def test_an_obligations_organisation_is_chosen_once(back_office):
    obligation = Obligation.objects.first()
    other = obligation.agreement.signatories.exclude(organisation=obligation.organisation).first()
    url, data = change_page(back_office, obligation)
    data["organisation"] = str(other.organisation_id)

    response = back_office.post(url, data)

    assert response.status_code == 302
    obligation.refresh_from_db()
    assert obligation.organisation != other.organisation
    assert "organisation" not in offered_fields(back_office, obligation)
    add_page = back_office.get(admin_url(Obligation, "add"))
    assert "organisation" in add_page.context["adminform"].form.fields


def test_an_obligations_organisation_is_not_changed_in_the_agreements_inline(back_office):
    obligation = Obligation.objects.first()
    organisation = obligation.organisation
    other = obligation.agreement.signatories.exclude(organisation=organisation).first()
    url, data = change_page(back_office, obligation.agreement)
    data[f"{inline_row(data, 'obligations', obligation)}-organisation"] = str(other.organisation_id)

    back_office.post(url, data)

    obligation.refresh_from_db()
    assert obligation.organisation == organisation
    [formset] = [
        inline.formset
        for inline in back_office.get(url).context["inline_admin_formsets"]
        if inline.formset.model is Obligation
    ]
    assert all(form.fields["organisation"].disabled for form in formset.initial_forms)
    # A new obligation still says whose it is.
    assert not formset.empty_form.fields["organisation"].disabled


def test_an_agreement_keeps_at_least_one_signatory(in_english):
    agreement = Agreement.objects.get(title__contains="fibra ottica")
    signatories = set(agreement.signatories.all())
    url, data = change_page(in_english, agreement)
    for signatory in signatories:
        data[f"{inline_row(data, 'signatories', signatory)}-DELETE"] = "on"

    response = in_english.post(url, data)

    assert response.status_code == 200
    assert "An agreement has at least one signatory." in page_errors(response)
    assert set(agreement.signatories.all()) == signatories


def test_a_signatory_with_obligations_cannot_be_removed(in_english, obliged_signatory):
    url, data = change_page(in_english, obliged_signatory.agreement)
    data[f"{inline_row(data, 'signatories', obliged_signatory)}-DELETE"] = "on"

    response = in_english.post(url, data)

    assert response.status_code == 200
    assert (
        f"{obliged_signatory.organisation} still has obligations under this agreement"
        in page_errors(response)
    )
    assert Signatory.objects.filter(pk=obliged_signatory.pk).exists()


def test_a_signatory_with_obligations_cannot_become_another_organisation(
    in_english, obliged_signatory
):
    agreement = obliged_signatory.agreement
    outsider = Organisation.objects.exclude(signatures__agreement=agreement).first()
    url, data = change_page(in_english, agreement)
    data[f"{inline_row(data, 'signatories', obliged_signatory)}-organisation"] = str(outsider.pk)

    response = in_english.post(url, data)

    assert response.status_code == 200
    assert "still has obligations under this agreement" in page_errors(response)
    obliged_signatory.refresh_from_db()
    assert obliged_signatory.organisation != outsider


def test_a_signatory_without_obligations_can_be_removed(back_office):
    agreement = Agreement.objects.get(title__contains="fibra ottica")
    outsider = Organisation.objects.exclude(signatures__agreement=agreement).first()
    acceding = Signatory.objects.create(
        agreement=agreement, organisation=outsider, role=Signatory.Role.ACCEDING
    )
    url, data = change_page(back_office, agreement)
    data[f"{inline_row(data, 'signatories', acceding)}-DELETE"] = "on"

    response = back_office.post(url, data)

    assert response.status_code == 302
    assert not Signatory.objects.filter(pk=acceding.pk).exists()


def test_a_signatory_with_obligations_is_not_deleted_from_its_own_pages(
    in_english, obliged_signatory
):
    url = admin_url(Signatory, "delete", obliged_signatory.pk)

    response = in_english.post(url, {"post": "yes"})

    assert response.status_code == 200
    assert "still has obligations under this agreement" in str(response.context["protected"])
    agreement = Agreement.objects.get(title__contains="fibra ottica")
    response = run_action(in_english, Signatory, "delete_selected", agreement.signatories.all())
    assert response.status_code == 200
    assert "An agreement has at least one signatory." in str(response.context["protected"])
    response = run_action(
        in_english, Signatory, "delete_selected", agreement.signatories.all(), post="yes"
    )
    assert Signatory.objects.filter(pk=obliged_signatory.pk).exists()
    assert agreement.signatories.count() == 3
    assert {"agreement", "organisation"}.isdisjoint(offered_fields(in_english, obliged_signatory))


@pytest.fixture
def led_project(demo, db) -> Project:
    """A demo project with partners besides its lead."""
    return Project.objects.filter(participations__role="partner").distinct().first()


def test_the_lead_participation_cannot_be_removed(in_english, led_project):
    lead = led_project.participations.get(role=ProjectParticipation.Role.LEAD)
    url, data = change_page(in_english, led_project)
    data[f"{inline_row(data, 'participations', lead)}-DELETE"] = "on"

    response = in_english.post(url, data)

    assert response.status_code == 200
    assert "The lead organisation takes part in its project" in page_errors(response)
    assert ProjectParticipation.objects.filter(pk=lead.pk).exists()


def test_the_lead_participation_keeps_its_role(back_office, led_project):
    lead = led_project.participations.get(role=ProjectParticipation.Role.LEAD)
    url, data = change_page(back_office, led_project)
    row = inline_row(data, "participations", lead)
    data[f"{row}-role"] = ProjectParticipation.Role.PARTNER

    back_office.post(url, data)

    lead.refresh_from_db()
    assert lead.role == ProjectParticipation.Role.LEAD
    assert lead.organisation == led_project.lead_organisation
    [formset] = [
        inline.formset
        for inline in back_office.get(url).context["inline_admin_formsets"]
        if inline.formset.model is ProjectParticipation
    ]
    [lead_form] = [form for form in formset.forms if form.instance.pk == lead.pk]
    assert lead_form.fields["role"].disabled
    assert lead_form.fields["organisation"].disabled


def test_no_second_organisation_takes_part_as_lead(in_english, led_project):
    outsider = Organisation.objects.exclude(participations__project=led_project).first()
    url, data = change_page(in_english, led_project)
    add_inline_row(
        data, "participations", organisation=outsider.pk, role=ProjectParticipation.Role.LEAD
    )

    response = in_english.post(url, data)

    assert response.status_code == 200
    assert "Only the project's lead organisation takes part as lead" in page_errors(response)
    assert not led_project.participations.filter(organisation=outsider).exists()


def test_the_lead_participation_is_not_deleted_or_changed_from_its_own_pages(
    in_english, led_project
):
    lead = led_project.participations.get(role=ProjectParticipation.Role.LEAD)

    response = in_english.post(admin_url(ProjectParticipation, "delete", lead.pk), {"post": "y"})

    assert response.status_code == 200
    assert "The lead organisation takes part in its project" in str(response.context["protected"])
    assert ProjectParticipation.objects.filter(pk=lead.pk).exists()
    assert offered_fields(in_english, lead) == set()


def test_a_projects_lead_organisation_is_chosen_once(back_office, led_project):
    lead_organisation = led_project.lead_organisation
    outsider = Organisation.objects.exclude(pk=lead_organisation.pk).first()
    url, data = change_page(back_office, led_project)
    data["lead_organisation"] = str(outsider.pk)

    back_office.post(url, data)

    led_project.refresh_from_db()
    assert led_project.lead_organisation == lead_organisation
    assert "lead_organisation" not in offered_fields(back_office, led_project)
    add_page = back_office.get(admin_url(Project, "add"))
    assert "lead_organisation" in add_page.context["adminform"].form.fields


def test_a_contract_with_transactions_keeps_its_cig_project_and_supplier(back_office):
    contract = Contract.objects.filter(transactions__isnull=False).distinct().first()
    before = (contract.cig, contract.project_id, contract.supplier_id)
    other_project = Project.objects.exclude(pk=contract.project_id).first()
    other_supplier = Organisation.objects.exclude(pk=contract.supplier_id).first()
    url, data = change_page(back_office, contract)
    data.update(cig="Z000000001", project=other_project.pk, supplier=other_supplier.pk)

    back_office.post(url, data)

    contract.refresh_from_db()
    assert (contract.cig, contract.project_id, contract.supplier_id) == before
    assert {"cig", "project", "supplier"}.isdisjoint(offered_fields(back_office, contract))


def test_a_contract_without_transactions_can_still_be_corrected(back_office):
    contract = ContractFactory(
        project=Project.objects.first(), supplier=Organisation.objects.first()
    )

    assert {"cig", "project", "supplier"} <= offered_fields(back_office, contract)


def test_a_fund_source_with_allocations_stays_in_its_programme(back_office):
    source = FundSource.objects.filter(allocations__isnull=False).distinct().first()
    programme = source.programme
    other = Programme.objects.exclude(pk=programme.pk).first()
    url, data = change_page(back_office, source)
    data["programme"] = str(other.pk)

    back_office.post(url, data)

    source.refresh_from_db()
    assert source.programme == programme
    assert "programme" not in offered_fields(back_office, source)
    unallocated = FundSourceFactory(programme=programme, provider=source.provider)
    assert "programme" in offered_fields(back_office, unallocated)


def test_a_fund_source_is_changed_through_its_service(back_office):
    source = FundSource.objects.filter(allocations__isnull=False).distinct().first()
    url, data = change_page(back_office, source)
    data["legal_reference"] = "D.D. 391/Ric. del 5 luglio 2012, art. 4"

    response = back_office.post(url, data)

    assert response.status_code == 302
    source.refresh_from_db()
    assert source.legal_reference == "D.D. 391/Ric. del 5 luglio 2012, art. 4"
    verbs = AuditEntry.objects.filter(target_id=str(source.pk), target_type="funding.fundsource")
    assert list(verbs.values_list("verb", flat=True)) == ["fund_source.updated"]


def test_a_fund_source_total_below_its_allocations_is_refused(back_office):
    source = FundSource.objects.filter(allocations__isnull=False).distinct().first()
    total = source.total
    url, data = change_page(back_office, source)
    data["total"] = "1.00"

    response = back_office.post(url, data)

    assert response.status_code == 200
    assert "total" in response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.total == total


def test_a_contract_amount_below_what_is_committed_on_it_is_refused(back_office):
    contract = Contract.objects.filter(transactions__phase="impegno").distinct().first()
    amount = contract.amount
    url, data = change_page(back_office, contract)
    data["amount"] = "1.00"

    response = back_office.post(url, data)

    assert response.status_code == 200
    assert "amount" in response.context["adminform"].form.errors
    contract.refresh_from_db()
    assert contract.amount == amount


def test_a_user_who_recorded_transactions_is_not_deleted(back_office):
    recorder = get_user_model().objects.get(
        pk=Transaction.objects.exclude(recorded_by=None).values("recorded_by")[:1]
    )

    response = back_office.post(admin_url(get_user_model(), "delete", recorder.pk), {"post": "yes"})

    # Django's page listing the protected objects: the transactions keep who recorded them.
    assert response.status_code == 200
    assert response.context["protected"]
    assert get_user_model().objects.filter(pk=recorder.pk).exists()
