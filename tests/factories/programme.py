import datetime
from decimal import Decimal

import factory
from django.contrib.contenttypes.models import ContentType

from programme.models import (
    AuthorisingAct,
    Challenge,
    Decision,
    Indicator,
    Measurement,
    Meeting,
    Milestone,
    Plan,
    PlanAction,
    PlanPhase,
    Programme,
    ProgrammeAssignment,
    Project,
    ProjectParticipation,
    Risk,
    StatusChange,
    ThematicArea,
)
from tests.factories.partners import MunicipalityFactory, OrganisationFactory
from tests.factories.users import UserFactory


def cup(n: int) -> str:
    """A distinct CUP for each ``n``: a letter, two digits, a letter and eleven digits."""
    return f"J41H{n:011d}"


class ProgrammeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Smart City Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    owner = factory.SubFactory(MunicipalityFactory)
    status = Programme.Status.PUBLISHED
    starts_on = datetime.date(2013, 1, 1)

    class Meta:
        model = Programme


class ProgrammeAssignmentFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = ProgrammeAssignment.Role.PROGRAMME_MANAGER

    class Meta:
        model = ProgrammeAssignment


class ThematicAreaFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Mobility {n}")

    class Meta:
        model = ThematicArea


class ChallengeFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"Local accessibility {n}")

    class Meta:
        model = Challenge


class PlanFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Situation Room plan {n}")
    start_year = 2019
    end_year = 2021
    dup_period = "2019–2021"

    class Meta:
        model = Plan


class PlanPhaseFactory(factory.django.DjangoModelFactory):
    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Phase {n}")

    class Meta:
        model = PlanPhase


class PlanActionFactory(factory.django.DjangoModelFactory):
    phase = factory.SubFactory(PlanPhaseFactory)
    year = factory.SelfAttribute("phase.plan.start_year")
    title = factory.Sequence(lambda n: f"Action {n}")

    class Meta:
        model = PlanAction


class ProjectFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Open City platform {n}")
    cup = factory.Sequence(cup)
    rup = "Ing. Maria Rossi"
    total_cost = Decimal("250000.00")
    lead_organisation = factory.SelfAttribute("programme.owner")
    status = Project.Status.PROPOSED
    planned_start = datetime.date(2019, 1, 1)
    planned_end = datetime.date(2021, 12, 31)

    class Meta:
        model = Project


class ProjectParticipationFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = ProjectParticipation.Role.PARTNER

    class Meta:
        model = ProjectParticipation


class MilestoneFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Milestone {n}")
    due_on = datetime.date(2020, 6, 30)
    weight = 1

    class Meta:
        model = Milestone


class IndicatorFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Open datasets published {n}")
    unit = "datasets"
    baseline = Decimal("0")
    target = Decimal("40")

    class Meta:
        model = Indicator


class MeasurementFactory(factory.django.DjangoModelFactory):
    indicator = factory.SubFactory(IndicatorFactory)
    measured_on = datetime.date(2020, 12, 31)
    value = Decimal("12")

    class Meta:
        model = Measurement


class RiskFactory(factory.django.DjangoModelFactory):
    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Supplier delay {n}")
    likelihood = Risk.Level.MEDIUM
    impact = Risk.Level.HIGH

    class Meta:
        model = Risk


class MeetingFactory(factory.django.DjangoModelFactory):
    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Smart Living Lab {n}")
    held_on = datetime.date(2018, 12, 12)

    class Meta:
        model = Meeting


class DecisionFactory(factory.django.DjangoModelFactory):
    meeting = factory.SubFactory(MeetingFactory)
    text = "Priorità alla piattaforma dati della mobilità"

    class Meta:
        model = Decision


class StatusChangeFactory(factory.django.DjangoModelFactory):
    """A workflow step of ``target`` (a project unless told otherwise)."""

    target = factory.SubFactory(ProjectFactory)
    content_type = factory.LazyAttribute(
        lambda change: ContentType.objects.get_for_model(change.target)
    )
    object_id = factory.SelfAttribute("target.pk")
    from_status = Project.Status.UNDER_ASSESSMENT
    to_status = Project.Status.APPROVED
    actor = factory.SubFactory(UserFactory)
    act_kind = AuthorisingAct.GIUNTA
    act_number = factory.Sequence(lambda n: f"{n + 1}/2019")
    act_date = datetime.date(2019, 3, 1)

    class Meta:
        model = StatusChange
        exclude = ("target",)
