"""A project's progress is the done share of its milestones' weight."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.utils import timezone

from core.models import AuditEntry
from programme.models import Project
from programme.services import milestone_complete, milestone_reopen
from tests.factories import MilestoneFactory, ProjectFactory, ProjectParticipationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DONE = datetime.date(2020, 3, 1)


def milestones(project, *weights_done):
    for weight, done in weights_done:
        MilestoneFactory(project=project, weight=weight, completed_on=DONE if done else None)


@pytest.mark.parametrize(
    ("weights_done", "expected"),
    [
        pytest.param([], Decimal("0"), id="no-milestones"),
        pytest.param([(1, False), (3, False)], Decimal("0.0"), id="none-done"),
        pytest.param([(1, False), (3, True)], Decimal("75.0"), id="heavy-one-done"),
        pytest.param([(1, True), (3, False)], Decimal("25.0"), id="light-one-done"),
        pytest.param([(1, True), (1, True), (1, False)], Decimal("66.7"), id="two-of-three"),
        pytest.param([(2, True), (5, True)], Decimal("100.0"), id="all-done"),
    ],
)
def test_progress_weighs_done_milestones(weights_done, expected):
    project = ProjectFactory()
    milestones(project, *weights_done)

    assert project.progress() == expected


def test_with_progress_gives_each_project_its_own_percent_in_one_query(
    django_assert_num_queries,
):
    halfway, heavy_done, untouched, empty = (ProjectFactory() for _ in range(4))
    milestones(halfway, (2, True), (1, False), (1, False))
    milestones(heavy_done, (1, False), (1, True), (1, True))
    milestones(untouched, (5, False))

    with django_assert_num_queries(1):
        percents = {project.pk: project.progress() for project in Project.objects.with_progress()}

    assert percents == {
        halfway.pk: Decimal("50.0"),
        heavy_done.pk: Decimal("66.7"),
        untouched.pk: Decimal("0.0"),
        empty.pk: Decimal("0"),
    }


def test_with_progress_counts_each_milestone_once_beside_other_joins():
    project = ProjectFactory()
    milestones(project, (1, True), (3, False))
    ProjectParticipationFactory.create_batch(3, project=project)

    annotated = (
        Project.objects.with_progress()
        .annotate(partners=Count("participations"))
        .get(pk=project.pk)
    )

    assert (annotated.progress_percent, annotated.partners) == (Decimal("25.0"), 3)


def test_completing_a_milestone_moves_the_progress(manager):
    project = ProjectFactory()
    milestones(project, (1, True))
    heavy = MilestoneFactory(project=project, weight=3)

    milestone_complete(milestone=heavy, actor=manager, completed_on=DONE)

    assert project.progress() == Decimal("100.0")
    entry = AuditEntry.objects.get(verb="milestone.completed")
    assert (entry.actor, entry.target_id) == (manager, str(heavy.pk))


def test_reopening_a_milestone_takes_its_weight_back(manager):
    project = ProjectFactory()
    milestones(project, (1, True))
    heavy = MilestoneFactory(project=project, weight=3, completed_on=DONE)

    milestone_reopen(milestone=heavy, actor=manager)

    assert project.progress() == Decimal("25.0")


def test_milestone_cannot_be_done_in_the_future(manager):
    milestone = MilestoneFactory()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)

    with pytest.raises(ValidationError, match="cannot be done in the future"):
        milestone_complete(milestone=milestone, actor=manager, completed_on=tomorrow)

    milestone.refresh_from_db()
    assert milestone.completed_on is None
    assert not AuditEntry.objects.exists()


def test_milestone_is_completed_once(manager):
    milestone = MilestoneFactory(completed_on=DONE)

    with pytest.raises(ValidationError, match="already done"):
        milestone_complete(milestone=milestone, actor=manager)

    milestone.refresh_from_db()
    assert milestone.completed_on == DONE


def test_only_a_done_milestone_can_be_reopened(manager):
    with pytest.raises(ValidationError, match="is not done"):
        milestone_reopen(milestone=MilestoneFactory(), actor=manager)


def test_milestone_past_due_and_not_done_is_late():
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    late = MilestoneFactory(due_on=yesterday)
    done = MilestoneFactory(due_on=yesterday, completed_on=yesterday)
    ahead = MilestoneFactory(due_on=timezone.localdate())

    assert (late.is_late, done.is_late, ahead.is_late) == (True, False, False)
