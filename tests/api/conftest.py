"""Fixtures shared by the API tests: clients, and ``world``, two municipalities and their people.

``world`` holds every kind of object the API serves, in the states that matter to access
control, and one user per role bound to them. The names say whose an object is from the
point of view of the role users: ``own`` is the municipality (Prato) whose programmes
``manager`` and ``council`` are assigned to, ``other`` the second municipality (Pistoia);
``org_a`` is the partner organisation of ``partner``, ``org_b`` another partner.

Users (usernames start with ``w.`` so they never meet the suite's other role fixtures):

- ``admin`` — a superuser;
- ``manager`` — programme manager of ``programme`` and ``draft_programme`` (in the
  programme-manager group and a staff member of ``own_city``, as in production);
- ``council`` — council member of ``programme`` and ``draft_programme``;
- ``pm`` — project manager of ``project`` and ``proposal`` (object permissions granted by
  ``project_assign_manager``);
- ``partner`` — representative of ``org_a`` (membership made by ``membership_create``, so in
  the organisation's group); ``partner_b`` — representative of ``org_b``;
- ``citizen`` — a registered citizen; ``other_manager`` — programme manager of the other
  municipality's programmes.

``world.users`` maps the roles of docs/permissions.md to them (``anonymous`` is None).

Objects (own municipality unless ``other_``):

- organisations ``own_city``, ``other_city``, ``org_a``, ``org_b``;
- programmes ``programme`` (published), ``draft_programme``, ``other_programme`` (published),
  ``other_draft_programme``; thematic areas ``area``/``other_area``, weak points
  ``challenge``/``other_challenge``; meetings ``meeting``/``other_meeting`` with
  ``decision``/``other_decision``;
- plans ``plan`` (published, with ``phase`` and ``action``), ``draft_plan``, ``other_plan``
  (published, with ``other_phase`` and ``other_action``), ``other_draft_plan``;
- projects ``project`` (in progress, org_a co-finances it, pm manages it), ``proposal``
  (proposed, org_a takes part, pm manages it), ``b_project`` (approved, org_b takes part),
  ``b_proposal`` (proposed, org_b), ``draft_project`` (approved, in the draft programme),
  ``other_project`` (in progress, org_b) and ``other_proposal`` (proposed, org_b) in the other
  municipality; each has a milestone, a risk and an impegno in ``milestones[key]``,
  ``risks[key]``, ``transactions[key]`` (keys: the attribute names above);
- ``indicator``/``measurement`` on ``project``, ``other_indicator``/``other_measurement`` on
  ``other_project``; status changes ``project_change``, ``proposal_change``,
  ``other_project_change``;
- fund sources ``fund_source`` (programme), ``draft_fund_source``, ``other_fund_source``,
  ``other_draft_fund_source``; allocations ``allocation`` (fund_source → project),
  ``other_allocation``; contracts ``contract`` (project), ``other_contract``;
- commitments, by services: ``a_pledge``, ``a_confirmed``, ``a_withdrawn`` (org_a on
  project), ``b_pledge``, ``b_confirmed``, ``b_withdrawn`` (org_b on project), ``a_action_pledge``
  (org_a on ``action``), ``other_pledge``, ``other_confirmed`` (org_b on other_project);
  disbursements ``a_disbursement`` (declared by partner on a_confirmed) and ``b_disbursement``;
- agreements ``agreement`` (own_city + org_a), ``b_agreement`` (own_city + org_b),
  ``other_agreement`` (other_city + org_b), each with an obligation (``a_obligation``,
  ``b_obligation``, ``other_obligation``, of org_a, org_b and other_city) and a data-sharing
  commitment (``a_data``, ``b_data``, ``other_data``); memberships ``a_membership`` (partner),
  ``b_membership`` (partner_b), ``manager_membership`` (manager, staff of own_city),
  ``other_manager_membership`` and ``other_membership`` (staff of other_city);
- audit entries written by those services (e.g. ``commitment.pledged`` on each commitment,
  ``membership.created`` on each membership).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.roles import Role, role_group_name
from funding.models import Commitment, Transaction
from funding.services import (
    allocation_create,
    commitment_confirm,
    commitment_pledge,
    commitment_withdraw,
    disbursement_declare,
    transaction_record,
)
from partners.models import DataSharingCommitment, Membership, Organisation, Signatory
from partners.services import (
    agreement_create,
    membership_create,
    obligation_create,
    organisation_group,
)
from programme.models import AuthorisingAct, Plan, Programme, ProgrammeAssignment, Project
from programme.services import programme_assignment_create, project_assign_manager
from tests.factories import (
    AdminFactory,
    ChallengeFactory,
    ContractFactory,
    DataSharingCommitmentFactory,
    DecisionFactory,
    FundSourceFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    MilestoneFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PlanActionFactory,
    PlanFactory,
    PlanPhaseFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    RiskFactory,
    StatusChangeFactory,
    ThematicAreaFactory,
    UserFactory,
)

S = Project.Status
PROJECT_KEYS = (
    "project",
    "proposal",
    "b_project",
    "b_proposal",
    "draft_project",
    "other_project",
    "other_proposal",
)


@pytest.fixture
def api() -> APIClient:
    """An anonymous API client."""
    return APIClient()


@pytest.fixture
def as_user():
    """``as_user(user)``: a new API client authenticated as ``user`` (anonymous for None)."""

    def client_for(user) -> APIClient:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
        return client

    return client_for


@pytest.fixture
def as_token(db):
    """``as_token(user)``: a new API client sending a fresh knox token of ``user``."""

    def client_for(user) -> APIClient:
        _instance, token = AuthToken.objects.create(user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return client_for


@pytest.fixture
def world(db) -> SimpleNamespace:
    return build_world()


def _role_user(username: str, role: Role | None, **fields):
    user = UserFactory(username=username, **fields)
    if role is not None:
        user.groups.add(Group.objects.get(name=role_group_name(role)))
    return user


def _assign(user, role: str, *programmes: Programme, actor) -> None:
    for programme in programmes:
        programme_assignment_create(actor=actor, user=user, programme=programme, role=role)


def build_world() -> SimpleNamespace:
    """Build the world described in this module's docstring; needs database access."""
    w = SimpleNamespace()
    admin = AdminFactory(username="w.admin")
    w.admin = admin
    day = datetime.date(2024, 4, 2)

    # Organisations and their groups.
    w.own_city = MunicipalityFactory(name="Comune di Prato", city="Prato")
    w.other_city = MunicipalityFactory(name="Comune di Pistoia", city="Pistoia")
    w.org_a = OrganisationFactory(name="Cap S.p.A.", kind=Organisation.Kind.UTILITY)
    w.org_b = OrganisationFactory(name="Citelum S.A.", kind=Organisation.Kind.COMPANY)
    for organisation in (w.own_city, w.other_city, w.org_a, w.org_b):
        organisation_group(organisation)

    # Programmes and what hangs from them.
    published, draft = Programme.Status.PUBLISHED, Programme.Status.DRAFT
    w.programme = ProgrammeFactory(
        name="Prato Smart City", slug="w-prato", owner=w.own_city, status=published
    )
    w.draft_programme = ProgrammeFactory(
        name="Prato Smart Port", slug="w-prato-draft", owner=w.own_city, status=draft
    )
    w.other_programme = ProgrammeFactory(
        name="Pistoia Smart City", slug="w-pistoia", owner=w.other_city, status=published
    )
    w.other_draft_programme = ProgrammeFactory(
        name="Pistoia Smart Port", slug="w-pistoia-draft", owner=w.other_city, status=draft
    )
    w.area = ThematicAreaFactory(programme=w.programme, name="Mobility")
    w.other_area = ThematicAreaFactory(programme=w.other_programme, name="Mobility")
    w.challenge = ChallengeFactory(programme=w.programme, name="Local accessibility")
    w.other_challenge = ChallengeFactory(programme=w.other_programme, name="Local accessibility")
    w.meeting = MeetingFactory(programme=w.programme, title="Smart Living Lab")
    w.other_meeting = MeetingFactory(programme=w.other_programme, title="Working group")
    w.decision = DecisionFactory(meeting=w.meeting, responsible=w.org_a)
    w.other_decision = DecisionFactory(meeting=w.other_meeting, responsible=w.org_b)

    w.plan = PlanFactory(programme=w.programme, status=Plan.Status.PUBLISHED)
    w.phase = PlanPhaseFactory(plan=w.plan)
    w.action = PlanActionFactory(phase=w.phase, thematic_area=w.area)
    w.draft_plan = PlanFactory(programme=w.programme, status=Plan.Status.DRAFT)
    w.other_plan = PlanFactory(programme=w.other_programme, status=Plan.Status.PUBLISHED)
    w.other_phase = PlanPhaseFactory(plan=w.other_plan)
    w.other_action = PlanActionFactory(phase=w.other_phase)
    w.other_draft_plan = PlanFactory(programme=w.other_programme, status=Plan.Status.DRAFT)

    # The people.
    # Their role groups come with the assignments (programme_assignment_create).
    w.manager = _role_user("w.manager", None, is_staff=True)
    _assign(
        w.manager,
        ProgrammeAssignment.Role.PROGRAMME_MANAGER,
        w.programme,
        w.draft_programme,
        actor=admin,
    )
    w.other_manager = _role_user("w.other_manager", None, is_staff=True)
    _assign(
        w.other_manager,
        ProgrammeAssignment.Role.PROGRAMME_MANAGER,
        w.other_programme,
        w.other_draft_programme,
        actor=admin,
    )
    w.council = _role_user("w.council", None)
    _assign(
        w.council,
        ProgrammeAssignment.Role.COUNCIL_MEMBER,
        w.programme,
        w.draft_programme,
        actor=admin,
    )
    w.pm = _role_user("w.pm", Role.PROJECT_MANAGER)
    w.partner = _role_user("w.partner", Role.PARTNER_REPRESENTATIVE)
    w.partner_b = _role_user("w.partner_b", Role.PARTNER_REPRESENTATIVE)
    w.citizen = _role_user("w.citizen", Role.CITIZEN)
    other_staff = _role_user("w.pistoia_staff", None)
    representative, staff = Membership.Role.REPRESENTATIVE, Membership.Role.STAFF
    started = datetime.date(2018, 1, 1)
    w.a_membership = membership_create(
        user=w.partner, organisation=w.org_a, role=representative, actor=admin, started_on=started
    )
    w.b_membership = membership_create(
        user=w.partner_b,
        organisation=w.org_b,
        role=representative,
        actor=admin,
        started_on=started,
    )
    # Programme managers work for their municipality, as in production.
    w.manager_membership = membership_create(
        user=w.manager, organisation=w.own_city, role=staff, actor=admin, started_on=started
    )
    w.other_manager_membership = membership_create(
        user=w.other_manager,
        organisation=w.other_city,
        role=staff,
        actor=admin,
        started_on=started,
    )
    w.other_membership = membership_create(
        user=other_staff,
        organisation=w.other_city,
        role=staff,
        actor=admin,
        started_on=started,
    )

    # Projects, in the states that decide who sees them.
    projects = {
        "project": (w.programme, S.IN_PROGRESS, w.org_a),
        "proposal": (w.programme, S.PROPOSED, w.org_a),
        "b_project": (w.programme, S.APPROVED, w.org_b),
        "b_proposal": (w.programme, S.PROPOSED, w.org_b),
        "draft_project": (w.draft_programme, S.APPROVED, None),
        "other_project": (w.other_programme, S.IN_PROGRESS, w.org_b),
        "other_proposal": (w.other_programme, S.PROPOSED, w.org_b),
    }
    w.milestones, w.risks, w.transactions = {}, {}, {}
    for key, (programme, status, partner) in projects.items():
        project = ProjectFactory(
            programme=programme,
            status=status,
            title=f"{key.replace('_', ' ').capitalize()} ({programme.name})",
            actual_start=day if status == S.IN_PROGRESS else None,
        )
        ProjectParticipationFactory(project=project, organisation=programme.owner, role="lead")
        if partner is not None:
            ProjectParticipationFactory(project=project, organisation=partner, role="co_financer")
        setattr(w, key, project)
        w.milestones[key] = MilestoneFactory(project=project)
        w.risks[key] = RiskFactory(project=project, owner=w.manager)
        w.transactions[key] = transaction_record(
            actor=admin,
            project=project,
            phase=Transaction.Phase.IMPEGNO,
            amount=Decimal("100000.00"),
            financial_year=2024,
            recorded_on=day,
            act_kind=AuthorisingAct.DETERMINA,
            act_number=f"{len(w.transactions) + 10}/2024",
            act_date=day,
            cup=project.cup,
        )
    for project in (w.project, w.proposal):
        project_assign_manager(project=project, manager=w.pm, actor=w.manager)
    w.action.projects.add(w.project)
    w.indicator = IndicatorFactory(project=w.project)
    w.measurement = MeasurementFactory(indicator=w.indicator)
    w.other_indicator = IndicatorFactory(project=w.other_project)
    w.other_measurement = MeasurementFactory(indicator=w.other_indicator)
    w.project_change = StatusChangeFactory(
        target=w.project, from_status=S.APPROVED, to_status=S.IN_PROGRESS, actor=w.manager
    )
    w.proposal_change = StatusChangeFactory(
        target=w.proposal, from_status="", to_status=S.PROPOSED, actor=w.manager
    )
    w.other_project_change = StatusChangeFactory(
        target=w.other_project,
        from_status=S.APPROVED,
        to_status=S.IN_PROGRESS,
        actor=w.other_manager,
    )

    # Money.
    w.fund_source = FundSourceFactory(programme=w.programme, provider=w.own_city)
    w.draft_fund_source = FundSourceFactory(programme=w.draft_programme, provider=w.own_city)
    w.other_fund_source = FundSourceFactory(programme=w.other_programme, provider=w.other_city)
    w.other_draft_fund_source = FundSourceFactory(
        programme=w.other_draft_programme, provider=w.other_city
    )
    w.allocation = allocation_create(
        fund_source=w.fund_source,
        project=w.project,
        year=2024,
        amount=Decimal("200000.00"),
        actor=w.manager,
    )
    w.other_allocation = allocation_create(
        fund_source=w.other_fund_source,
        project=w.other_project,
        year=2024,
        amount=Decimal("200000.00"),
        actor=w.other_manager,
    )
    w.contract = ContractFactory(project=w.project, supplier=w.org_b)
    w.other_contract = ContractFactory(project=w.other_project, supplier=w.org_b)

    def pledge(organisation, actor, *, project=None, plan_action=None, amount="50000.00"):
        return commitment_pledge(
            actor=actor,
            organisation=organisation,
            project=project,
            plan_action=plan_action,
            year=2024 if project else plan_action.year,
            kind=Commitment.Kind.CASH_TRANSFER,
            amount=Decimal(amount),
        )

    def confirmed(organisation, actor, project):
        commitment = pledge(organisation, actor, project=project, amount="80000.00")
        return commitment_confirm(
            commitment=commitment, actor=actor, act_reference="Delibera CdA n. 14/2024"
        )

    def withdrawn(organisation, actor, project):
        commitment = pledge(organisation, actor, project=project, amount="30000.00")
        return commitment_withdraw(
            commitment=commitment, actor=actor, reason="Budget cut by the partner's board"
        )

    w.a_pledge = pledge(w.org_a, w.partner, project=w.project)
    w.a_confirmed = confirmed(w.org_a, w.partner, w.project)
    w.a_withdrawn = withdrawn(w.org_a, w.partner, w.project)
    w.a_action_pledge = pledge(w.org_a, w.partner, plan_action=w.action)
    w.b_pledge = pledge(w.org_b, w.partner_b, project=w.project)
    w.b_confirmed = confirmed(w.org_b, w.partner_b, w.project)
    w.b_withdrawn = withdrawn(w.org_b, w.partner_b, w.project)
    w.other_pledge = pledge(w.org_b, w.partner_b, project=w.other_project)
    w.other_confirmed = confirmed(w.org_b, w.partner_b, w.other_project)
    w.a_disbursement = disbursement_declare(
        commitment=w.a_confirmed,
        amount=Decimal("10000.00"),
        disbursed_on=day,
        actor=w.partner,
        note="Bonifico n. 1",
    )
    w.b_disbursement = disbursement_declare(
        commitment=w.b_confirmed,
        amount=Decimal("10000.00"),
        disbursed_on=day,
        actor=w.partner_b,
        note="Bonifico n. 2",
    )

    # Agreements among the organisations.
    def agree(city, partner, title):
        return agreement_create(
            actor=admin,
            signatories=[(city, Signatory.Role.PROMOTER), (partner, Signatory.Role.SIGNATORY)],
            kind="memorandum",
            title=title,
            signed_on=datetime.date(2018, 12, 1),
            valid_from=datetime.date(2018, 12, 1),
        )

    w.agreement = agree(w.own_city, w.org_a, "Protocollo d'Intesa Situation Room (Cap)")
    w.b_agreement = agree(w.own_city, w.org_b, "Protocollo d'Intesa Situation Room (Citelum)")
    w.other_agreement = agree(w.other_city, w.org_b, "Convenzione illuminazione (Pistoia)")
    due = datetime.date(2019, 6, 30)
    w.a_obligation = obligation_create(
        actor=admin, agreement=w.agreement, organisation=w.org_a, description="Dati", due_on=due
    )
    w.b_obligation = obligation_create(
        actor=admin, agreement=w.b_agreement, organisation=w.org_b, description="Dati", due_on=due
    )
    w.other_obligation = obligation_create(
        actor=admin,
        agreement=w.other_agreement,
        organisation=w.other_city,
        description="Dati",
        due_on=due,
    )
    dataset = DataSharingCommitment.Dataset
    w.a_data = DataSharingCommitmentFactory(
        agreement=w.agreement, organisation=w.org_a, dataset=dataset.TERRITORY
    )
    w.b_data = DataSharingCommitmentFactory(
        agreement=w.b_agreement, organisation=w.org_b, dataset=dataset.PARKING
    )
    w.other_data = DataSharingCommitmentFactory(
        agreement=w.other_agreement, organisation=w.other_city, dataset=dataset.MOBILITY
    )

    w.users = {
        "anonymous": None,
        "citizen": w.citizen,
        "partner": w.partner,
        "project_manager": w.pm,
        "manager": w.manager,
        "council": w.council,
        "admin": admin,
    }
    return w
