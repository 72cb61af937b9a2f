"""The programme's other services: programmes, plans, measurements, and their history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from core.models import AuditEntry
from programme.models import AuthorisingAct, Measurement, Plan, Programme, Project
from programme.services import (
    measurement_record,
    plan_publish,
    programme_create,
    programme_publish,
    project_transition,
)
from programme.workflow import Act, status_history
from tests.factories import (
    IndicatorFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProgrammeFactory,
    ProjectFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_programme_starts_as_a_draft_and_is_published_once(municipality, manager):
    programme = programme_create(
        actor=manager, name="Prato Smart City", slug="prato-smart-city", owner=municipality
    )
    assert programme.status == Programme.Status.DRAFT

    programme_publish(programme=programme, actor=manager)

    assert Programme.objects.get(pk=programme.pk).status == Programme.Status.PUBLISHED
    with pytest.raises(ValidationError, match="already published"):
        programme_publish(programme=programme, actor=manager)
    assert [e.verb for e in AuditEntry.objects.order_by("pk")] == [
        "programme.created",
        "programme.published",
    ]


def test_programme_with_a_taken_slug_is_refused(municipality, manager, programme):
    with pytest.raises(ValidationError) as error:
        programme_create(actor=manager, name="Other", slug=programme.slug, owner=municipality)

    assert "slug" in error.value.message_dict
    assert not AuditEntry.objects.exists()


def test_plan_is_published_only_with_a_phase(manager):
    plan = PlanFactory()

    with pytest.raises(ValidationError, match="at least one phase"):
        plan_publish(plan=plan, actor=manager)
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.DRAFT

    PlanPhaseFactory(plan=plan)
    plan_publish(plan=plan, actor=manager)

    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.PUBLISHED
    with pytest.raises(ValidationError, match="already published"):
        plan_publish(plan=plan, actor=manager)


def test_three_year_plan_spans_its_years():
    assert list(PlanFactory(start_year=2019, end_year=2021).years) == [2019, 2020, 2021]


def test_measurement_is_recorded_once_a_day(manager):
    indicator = IndicatorFactory()
    day = datetime.date(2020, 12, 31)

    measurement_record(indicator=indicator, measured_on=day, value=Decimal("12"), actor=manager)

    with pytest.raises(ValidationError, match="already exists"):
        measurement_record(indicator=indicator, measured_on=day, value=Decimal("13"), actor=manager)
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("12")]
    assert AuditEntry.objects.filter(verb="measurement.recorded").count() == 1


def test_history_keeps_each_version_of_a_project_with_who_changed_it(manager):
    project = ProjectFactory(status=Project.Status.UNDER_ASSESSMENT)
    act = Act(kind=AuthorisingAct.GIUNTA, number="142", date=datetime.date(2019, 3, 12))

    project_transition(project=project, to=Project.Status.APPROVED, actor=manager, act=act)

    latest, first = project.history.all()[:2]
    assert latest.history_user == manager
    changed = {
        change.field: (change.old, change.new) for change in latest.diff_against(first).changes
    }
    assert changed["status"] == (Project.Status.UNDER_ASSESSMENT, Project.Status.APPROVED)
    assert "cup" not in changed


def test_owner_with_programmes_cannot_be_deleted(programme):
    with pytest.raises(ProtectedError):
        programme.owner.delete()

    assert Programme.objects.filter(pk=programme.pk).exists()


def test_publishing_a_programme_is_a_workflow_step_users_see(manager):
    programme = ProgrammeFactory(status=Programme.Status.DRAFT)

    programme_publish(programme=programme, actor=manager)

    [step] = status_history(programme)
    assert (step.from_status, step.to_status, step.actor) == ("draft", "published", manager)
