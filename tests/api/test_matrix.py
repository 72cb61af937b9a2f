"""The permission matrix: docs/permissions.md's table, checked against the API, case by case.

The table between ``<!-- permission-table:start -->`` and ``<!-- permission-table:end -->``
is parsed, and for each resource × role × action × ownership case a test asks the API and
compares its answer with what the cell's scopes say about the object concerned:

- ``read``: the object is in the list, and its detail answers 200, exactly when the read
  cell covers it; otherwise it is not listed and its detail is a 404 (anonymous: 401/403 too);
- ``create``, ``update`` (PATCH), ``delete`` and ``act`` (the resource's workflow action):
  allowed → 2xx (update, delete and act: or a 400/409 of the service, which only comes after
  the permission was granted); refused → 403 when the role may read the object, 404 when it
  may not (a create naming a parent outside the read scope may also be refused as a 400 on
  that field, DRF's way of saying the id does not exist), 401/403 for anonymous visitors, 405
  when nobody at all may do it. A refused write leaves no audit entry (every service write
  leaves one).

The ownership cases are objects of ``world`` (tests/api/conftest.py): ``own`` — the role's
own organisation (org_a), programme or project; ``other_organisation`` — another
partner's (org_b) in the same programme; ``other_municipality`` — the other municipality's.
Each case holds one or more objects (public and not public) and each is checked.

A second set of tests walks the URL configuration: every router resource under /api/v1/ is
in the table or in the list of resources that follow one (the paragraph under the table),
and every resource of the table and of that list is served.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient
from rest_framework.viewsets import ViewSetMixin

from core.models import AuditEntry
from funding.models import Commitment
from programme.models import (
    Plan,
    Programme,
    ProgrammeAssignment,
    Project,
    ProjectParticipation,
    StatusChange,
)
from tests.api.conftest import PROJECT_KEYS, build_world
from tests.factories import partita_iva

TABLE_PATH = Path(settings.BASE_DIR) / "docs" / "permissions.md"
ROLES = ("anonymous", "citizen", "partner", "project_manager", "manager", "council", "admin")
ACTIONS = ("read", "create", "update", "delete", "act")
SCOPES = {"all", "public", "programmes", "projects", "organisation", "firm", "none"}
OWN, OTHER_ORG, OTHER_CITY = "own", "other_organisation", "other_municipality"
CASES = (OWN, OTHER_ORG, OTHER_CITY)

# The resources that follow another (the paragraph under the table): who may read them is
# decided by the followed resources' read cells, all of them when there are several.
# Status changes follow the object whose workflow they record (given per object below).
FOLLOWERS: dict[str, tuple[str, ...]] = {
    "thematic-areas": ("programmes",),
    "challenges": ("programmes",),  # the weak points
    "programme-assignments": ("programmes",),
    "plan-phases": ("plans",),
    "plan-actions": ("plans",),
    "project-participations": ("projects",),
    "indicators": ("projects",),
    "measurements": ("projects",),
    "meetings": ("programmes",),
    "decisions": ("programmes",),
    "allocations": ("fund-sources", "projects"),
    "contracts": ("projects",),
    "disbursements": ("commitments",),
    "status-changes": (),
}
# The workflow action checked as ``act``, in order of preference, when a resource has several.
MAIN_ACTIONS = ("transition", "reverse", "publish", "end", "fulfil", "complete", "verify")
REFUSED = (403, 404)
ANONYMOUS_REFUSED = (401, 403)


def parse_table(text: str) -> dict[str, dict[str, dict[str, str]]]:
    """``{resource: {role: {action: cell}}}`` from the table between the markers."""
    start, end = "<!-- permission-table:start -->", "<!-- permission-table:end -->"
    body = text[text.index(start) + len(start) : text.index(end)]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in body.strip().splitlines()
    ]
    header, _rule, *rows = rows
    assert header == ["resource", "role", *ACTIONS], header
    table: dict[str, dict[str, dict[str, str]]] = {}
    for resource, role, *cells in rows:
        assert role in ROLES, f"unknown role {role!r} for {resource}"
        for cell in cells:
            assert set(cell.split("+")) <= SCOPES, f"unknown scope in {cell!r} ({resource})"
        assert role not in table.get(resource, {}), f"{resource} × {role} appears twice"
        table.setdefault(resource, {})[role] = dict(zip(ACTIONS, cells, strict=True))
    for resource, roles in table.items():
        assert set(roles) == set(ROLES), f"{resource} lacks roles {set(ROLES) - set(roles)}"
    return table


TABLE = parse_table(TABLE_PATH.read_text(encoding="utf-8"))


def test_the_table_covers_every_role_with_known_scopes():
    assert TABLE, "no table between the markers of docs/permissions.md"
    for resource in TABLE:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", resource), resource


# ----------------------------------------------------------------------------------------
# Who is who, and whose an object is.


@dataclass(frozen=True)
class Who:
    """What a role's user is bound to, as the table's scopes read it."""

    programmes: frozenset[int] = frozenset()
    readable_programmes: frozenset[int] = frozenset()
    projects: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Target:
    """An object of a case, with what the scopes ask about it."""

    name: str
    obj: object
    rules: tuple[str, ...]
    programme: int | None = None
    projects: frozenset[int] = frozenset()
    organisations: frozenset[int] = frozenset()
    public: bool = False
    firm: bool = False


def covers(cell: str, who: Who, target: Target) -> bool:
    for scope in cell.split("+"):
        if scope == "all":
            return True
        if scope == "public" and target.public:
            return True
        if scope == "programmes" and target.programme in who.programmes:
            return True
        if scope == "projects" and target.projects & who.projects:
            return True
        if scope == "organisation" and target.organisations & who.organisations:
            return True
        if (
            scope == "firm"
            and target.firm
            and not target.organisations & who.organisations
            and target.programme in who.readable_programmes
        ):
            return True
    return False


def may(action: str, role: str, who: Who, target: Target) -> bool:
    """The table's answer; a follower needs it from every resource it follows."""
    return all(covers(TABLE[rule][role][action], who, target) for rule in target.rules)


def nobody_may(resource: str, action: str) -> bool:
    return all(TABLE[resource][role][action] == "none" for role in ROLES)


@dataclass
class Create:
    """A complete, valid body for a new object, and whose that object would be."""

    body: dict
    target: Target
    parents: tuple[str, ...] = ()


@dataclass
class Resource:
    cases: dict[str, list[Target]]
    create: dict[str, Create] = field(default_factory=dict)
    update: Callable[[object], dict] = lambda obj: {}
    act: Callable[[object], dict] = lambda obj: {}


def build_resources(w) -> tuple[dict[str, Who], dict[str, Resource]]:
    """The role users' bindings and, per resource, the objects of each case."""
    published = set(
        Programme.objects.filter(status=Programme.Status.PUBLISHED).values_list("pk", flat=True)
    )

    def who(user) -> Who:
        if user is None:
            return Who(readable_programmes=frozenset(published))
        assigned = set(
            ProgrammeAssignment.objects.filter(user=user).values_list("programme", flat=True)
        )
        # A council member's `firm` stops at their own municipality's programmes.
        council = ProgrammeAssignment.objects.filter(
            user=user, role=ProgrammeAssignment.Role.COUNCIL_MEMBER
        ).exists()
        return Who(
            programmes=frozenset(assigned),
            readable_programmes=frozenset(assigned if council else published | assigned),
            # The projects they were made the manager of (project_assign_manager).
            projects=frozenset(Project.objects.filter(manager=user).values_list("pk", flat=True)),
            organisations=frozenset(
                user.memberships.filter(ended_on__isnull=True).values_list(
                    "organisation", flat=True
                )
            ),
        )

    people = {role: who(user) for role, user in w.users.items()}
    participants: dict[int, set[int]] = {}
    for project_id, organisation_id in ProjectParticipation.objects.values_list(
        "project", "organisation"
    ):
        participants.setdefault(project_id, set()).add(organisation_id)
    programme_projects: dict[int, set[int]] = {}
    for project_id, programme_id in Project.objects.values_list("pk", "programme"):
        programme_projects.setdefault(programme_id, set()).add(project_id)

    def is_public_project(project) -> bool:
        return project.programme_id in published and project.status in Project.PUBLIC_STATUSES

    def of_project(name, obj, project, rules, *, public=None, **extra) -> Target:
        return Target(
            name=name,
            obj=obj,
            rules=rules,
            programme=project.programme_id,
            projects=frozenset({project.pk}),
            organisations=frozenset(participants.get(project.pk, ())),
            public=is_public_project(project) if public is None else public,
            **extra,
        )

    def of_programme(name, obj, programme_id, rules, *, public=None) -> Target:
        return Target(
            name=name,
            obj=obj,
            rules=rules,
            programme=programme_id,
            projects=frozenset(programme_projects.get(programme_id, ())),
            public=programme_id in published if public is None else public,
        )

    def of_plan(name, obj, plan, rules) -> Target:
        public = plan.programme_id in published and plan.status == Plan.Status.PUBLISHED
        return Target(name, obj, rules, programme=plan.programme_id, public=public)

    def of_commitment(name, commitment, rules) -> Target:
        if commitment.project_id:
            programme_id = commitment.project.programme_id
        else:
            programme_id = commitment.plan_action.phase.plan.programme_id
        return Target(
            name=name,
            obj=commitment,
            rules=rules,
            programme=programme_id,
            projects=frozenset({commitment.project_id} - {None}),
            organisations=frozenset({commitment.organisation_id}),
            firm=commitment.status in Commitment.FIRM_STATUSES,
        )

    def of_organisations(name, obj, rules, *organisations, public=False) -> Target:
        return Target(
            name=name,
            obj=obj,
            rules=rules,
            organisations=frozenset(organisation.pk for organisation in organisations),
            public=public,
        )

    by_case = {
        OWN: ("project", "proposal", "draft_project"),
        OTHER_ORG: ("b_project", "b_proposal"),
        OTHER_CITY: ("other_project", "other_proposal"),
    }
    assert {key for keys in by_case.values() for key in keys} == set(PROJECT_KEYS)

    def per_project(rules, objects: Callable[[str], object]) -> dict[str, list[Target]]:
        return {
            case: [of_project(key, objects(key), getattr(w, key), rules) for key in keys]
            for case, keys in by_case.items()
        }

    today = datetime.date(2024, 6, 28).isoformat()
    r: dict[str, Resource] = {}

    # Partners.
    rules = ("organisations",)
    r["organisations"] = Resource(
        cases={
            OWN: [of_organisations("org_a", w.org_a, rules, w.org_a, public=True)],
            OTHER_ORG: [of_organisations("org_b", w.org_b, rules, w.org_b, public=True)],
            OTHER_CITY: [
                of_organisations("other_city", w.other_city, rules, w.other_city, public=True)
            ],
        },
        create={
            OWN: Create(
                {"name": "Estra S.p.A.", "kind": "utility", "tax_code": partita_iva(9000)},
                Target("new organisation", None, rules),
            )
        },
        update=lambda obj: {"city": "Firenze"},
    )
    rules = ("memberships",)
    newcomer_id = w.citizen.pk
    r["memberships"] = Resource(
        cases={
            OWN: [of_organisations("a_membership", w.a_membership, rules, w.org_a)],
            OTHER_ORG: [of_organisations("b_membership", w.b_membership, rules, w.org_b)],
            OTHER_CITY: [
                of_organisations("other_membership", w.other_membership, rules, w.other_city)
            ],
        },
        create={
            case: Create(
                {"user": newcomer_id, "organisation": organisation.pk, "role": "representative"},
                of_organisations(f"membership of {organisation}", None, rules, organisation),
                parents=("organisation",),
            )
            for case, organisation in (
                (OWN, w.org_a),
                (OTHER_ORG, w.org_b),
                (OTHER_CITY, w.other_city),
            )
        },
        update=lambda obj: {"role": "staff"},
        act=lambda obj: {"ended_on": today},
    )
    rules = ("agreements",)
    signing = {OWN: (w.own_city, w.org_a), OTHER_ORG: (w.own_city, w.org_b)}
    signing[OTHER_CITY] = (w.other_city, w.org_b)
    r["agreements"] = Resource(
        cases={
            OWN: [of_organisations("agreement", w.agreement, rules, *signing[OWN])],
            OTHER_ORG: [of_organisations("b_agreement", w.b_agreement, rules, *signing[OTHER_ORG])],
            OTHER_CITY: [
                of_organisations("other_agreement", w.other_agreement, rules, *signing[OTHER_CITY])
            ],
        },
        create={
            case: Create(
                {
                    "kind": "convention",
                    "title": f"Convenzione {case}",
                    "signed_on": "2024-01-10",
                    "valid_from": "2024-01-10",
                    "signatories": [
                        {"organisation": city.pk, "role": "promoter"},
                        {"organisation": partner.pk, "role": "signatory"},
                    ],
                },
                of_organisations(f"agreement of {city} and {partner}", None, rules, city, partner),
                parents=("signatories",),
            )
            for case, (city, partner) in signing.items()
        },
        update=lambda obj: {"scope": "Dati del territorio"},
    )
    rules = ("obligations",)
    obliged = {
        OWN: (w.agreement, w.org_a),
        OTHER_ORG: (w.b_agreement, w.org_b),
        OTHER_CITY: (w.other_agreement, w.other_city),
    }
    r["obligations"] = Resource(
        cases={
            OWN: [of_organisations("a_obligation", w.a_obligation, rules, w.org_a)],
            OTHER_ORG: [of_organisations("b_obligation", w.b_obligation, rules, w.org_b)],
            OTHER_CITY: [
                of_organisations("other_obligation", w.other_obligation, rules, w.other_city)
            ],
        },
        create={
            case: Create(
                {
                    "agreement": agreement.pk,
                    "organisation": organisation.pk,
                    "description": "Condividere i dati dei parcheggi",
                    "due_on": "2024-12-31",
                },
                of_organisations(f"obligation of {organisation}", None, rules, organisation),
                parents=("agreement", "organisation"),
            )
            for case, (agreement, organisation) in obliged.items()
        },
        update=lambda obj: {"description": "Condividere i dati del traffico"},
        act=lambda obj: {"fulfilled_on": today},
    )
    rules = ("data-sharing-commitments",)
    sharing = {OWN: w.org_a, OTHER_ORG: w.org_b, OTHER_CITY: w.other_city}
    r["data-sharing-commitments"] = Resource(
        cases={
            OWN: [of_organisations("a_data", w.a_data, rules, w.org_a, public=True)],
            OTHER_ORG: [of_organisations("b_data", w.b_data, rules, w.org_b, public=True)],
            OTHER_CITY: [
                of_organisations("other_data", w.other_data, rules, w.other_city, public=True)
            ],
        },
        create={
            case: Create(
                {
                    "organisation": organisation.pk,
                    "dataset": "energy",
                    "frequency": "daily",
                    "licence": "CC-BY-4.0",
                    "since": "2024-01-01",
                },
                of_organisations(f"data shared by {organisation}", None, rules, organisation),
                parents=("organisation", "agreement"),
            )
            for case, organisation in sharing.items()
        },
        update=lambda obj: {"description": "Sensori di occupazione degli stalli"},
    )

    # The programme.
    rules = ("programmes",)
    r["programmes"] = Resource(
        cases={
            OWN: [
                of_programme("programme", w.programme, w.programme.pk, rules),
                of_programme("draft_programme", w.draft_programme, w.draft_programme.pk, rules),
            ],
            OTHER_CITY: [
                of_programme("other_programme", w.other_programme, w.other_programme.pk, rules),
                of_programme(
                    "other_draft_programme",
                    w.other_draft_programme,
                    w.other_draft_programme.pk,
                    rules,
                ),
            ],
        },
        create={
            case: Create(
                {"name": f"Smart Lab {city}", "slug": f"smart-lab-{city.pk}", "owner": city.pk},
                of_organisations(f"programme of {city}", None, rules, city),
                parents=("owner",),
            )
            for case, city in ((OWN, w.own_city), (OTHER_CITY, w.other_city))
        },
        update=lambda obj: {"summary": "Una città che condivide i suoi dati"},
    )
    rules = ("plans",)
    r["plans"] = Resource(
        cases={
            OWN: [
                of_plan("plan", w.plan, w.plan, rules),
                of_plan("draft_plan", w.draft_plan, w.draft_plan, rules),
            ],
            OTHER_CITY: [
                of_plan("other_plan", w.other_plan, w.other_plan, rules),
                of_plan("other_draft_plan", w.other_draft_plan, w.other_draft_plan, rules),
            ],
        },
        create={
            case: Create(
                {
                    "programme": programme.pk,
                    "title": "Piano triennale 2025–2027",
                    "start_year": 2025,
                    "end_year": 2027,
                },
                of_programme(f"plan of {programme}", None, programme.pk, rules, public=False),
                parents=("programme",),
            )
            for case, programme in ((OWN, w.programme), (OTHER_CITY, w.other_programme))
        },
        update=lambda obj: {"description": "Il piano della Situation Room"},
    )
    rules = ("projects",)
    r["projects"] = Resource(
        cases=per_project(rules, lambda key: getattr(w, key)),
        create={
            case: Create(
                {
                    "programme": programme.pk,
                    "title": "Smart parking",
                    "lead_organisation": programme.owner_id,
                    "total_cost": "120000.00",
                },
                of_programme(f"project of {programme}", None, programme.pk, rules, public=False),
                parents=("programme", "lead_organisation"),
            )
            for case, programme in ((OWN, w.programme), (OTHER_CITY, w.other_programme))
        },
        update=lambda obj: {"summary": "Parcheggi intelligenti"},
        act=project_step,
    )

    def on_project(resource, body: Callable[[object], dict]) -> dict[str, Create]:
        return {
            case: Create(
                {"project": getattr(w, key).pk, **body(getattr(w, key))},
                of_project(
                    f"{resource} of {key}", None, getattr(w, key), (resource,), public=False
                ),
                parents=("project",),
            )
            for case, key in (
                (OWN, "project"),
                (OTHER_ORG, "b_project"),
                (OTHER_CITY, "other_project"),
            )
        }

    r["milestones"] = Resource(
        cases=per_project(("milestones",), lambda key: w.milestones[key]),
        create=on_project(
            "milestones", lambda project: {"title": "Collaudo", "due_on": "2025-06-30", "weight": 2}
        ),
        update=lambda obj: {"description": "Collaudo della piattaforma"},
        act=lambda obj: {"completed_on": today},
    )
    r["risks"] = Resource(
        cases={
            case: [Target(**{**target.__dict__, "public": False}) for target in targets]
            for case, targets in per_project(("risks",), lambda key: w.risks[key]).items()
        },
        create=on_project(
            "risks",
            lambda project: {"title": "Ritardo del fornitore", "likelihood": 3, "impact": 4},
        ),
        update=lambda obj: {"mitigation": "Penali nel contratto"},
    )

    # The money.
    rules = ("fund-sources",)
    r["fund-sources"] = Resource(
        cases={
            OWN: [
                of_programme("fund_source", w.fund_source, w.programme.pk, rules),
                of_programme("draft_fund_source", w.draft_fund_source, w.draft_programme.pk, rules),
            ],
            OTHER_CITY: [
                of_programme("other_fund_source", w.other_fund_source, w.other_programme.pk, rules),
                of_programme(
                    "other_draft_fund_source",
                    w.other_draft_fund_source,
                    w.other_draft_programme.pk,
                    rules,
                ),
            ],
        },
        create={
            case: Create(
                {
                    "programme": programme.pk,
                    "name": "Bilancio comunale 2025",
                    "kind": "municipal_budget",
                    "provider": programme.owner_id,
                    "total": "500000.00",
                },
                of_programme(f"fund source of {programme}", None, programme.pk, rules),
                parents=("programme", "provider"),
            )
            for case, programme in ((OWN, w.programme), (OTHER_CITY, w.other_programme))
        },
        update=lambda obj: {"legal_reference": "Delibera di Giunta n. 12/2025"},
    )
    rules = ("commitments",)
    pledging = {
        OWN: (w.org_a, w.project),
        OTHER_ORG: (w.org_b, w.project),
        OTHER_CITY: (w.org_b, w.other_project),
    }
    r["commitments"] = Resource(
        cases={
            OWN: [
                of_commitment(name, getattr(w, name), rules)
                for name in ("a_pledge", "a_confirmed", "a_withdrawn", "a_action_pledge")
            ],
            OTHER_ORG: [
                of_commitment(name, getattr(w, name), rules)
                for name in ("b_pledge", "b_confirmed", "b_withdrawn")
            ],
            OTHER_CITY: [
                of_commitment(name, getattr(w, name), rules)
                for name in ("other_pledge", "other_confirmed")
            ],
        },
        create={
            case: Create(
                {
                    "organisation": organisation.pk,
                    "project": project.pk,
                    "year": 2025,
                    "kind": "direct_spending",
                    "amount": "25000.00",
                    "subject_to_budget_availability": True,
                },
                of_commitment(
                    f"pledge of {organisation} to {project}",
                    Commitment(organisation=organisation, project=project),
                    rules,
                ),
                parents=("organisation", "project"),
            )
            for case, (organisation, project) in pledging.items()
        },
        update=lambda obj: {"description": "Sensori e cablaggio"},
        act=commitment_step,
    )
    r["transactions"] = Resource(
        cases=per_project(("transactions",), lambda key: w.transactions[key]),
        create=on_project(
            "transactions",
            lambda project: {
                "phase": "impegno",
                "amount": "5000.00",
                "financial_year": 2024,
                "recorded_on": "2024-05-10",
                "act_kind": "determina",
                "act_number": "901/2024",
                "act_date": "2024-05-08",
                "cup": project.cup,
            },
        ),
        update=lambda obj: {"description": "Canone"},
        act=lambda obj: {"reason": "Importo errato"},
    )

    # The audit log: entries written by the world's services.
    rules = ("audit-entries",)

    def entry(name, verb, target_obj, base: Target) -> Target:
        audit = AuditEntry.objects.get(
            verb=verb, target_type=target_obj._meta.label_lower, target_id=str(target_obj.pk)
        )
        return Target(**{**base.__dict__, "name": name, "obj": audit, "rules": rules})

    commitments = {t.name: t for targets in r["commitments"].cases.values() for t in targets}
    r["audit-entries"] = Resource(
        cases={
            OWN: [
                entry("pledge entry", "commitment.pledged", w.a_pledge, commitments["a_pledge"]),
                entry(
                    "action pledge entry",
                    "commitment.pledged",
                    w.a_action_pledge,
                    commitments["a_action_pledge"],
                ),
                entry(
                    "membership entry",
                    "membership.created",
                    w.a_membership,
                    Target("membership", None, rules),
                ),
            ],
            OTHER_ORG: [
                entry("b pledge entry", "commitment.pledged", w.b_pledge, commitments["b_pledge"])
            ],
            OTHER_CITY: [
                entry(
                    "other pledge entry",
                    "commitment.pledged",
                    w.other_pledge,
                    commitments["other_pledge"],
                )
            ],
        },
        create={OWN: Create({"verb": "forged"}, Target("new entry", None, rules))},
        update=lambda obj: {"verb": "forged"},
    )

    # The followers: read only.
    def follow(name, obj, base: Target, resource: str, **changes) -> Target:
        return Target(
            **{
                **base.__dict__,
                "name": name,
                "obj": obj,
                **changes,
                "rules": FOLLOWERS[resource] or base.rules,
            }
        )

    programmes = {t.name: t for targets in r["programmes"].cases.values() for t in targets}
    plans = {t.name: t for targets in r["plans"].cases.values() for t in targets}
    projects = {t.name: t for targets in r["projects"].cases.values() for t in targets}
    own_assignment = ProgrammeAssignment.objects.get(user=w.manager, programme=w.programme)
    other_assignment = ProgrammeAssignment.objects.get(
        user=w.other_manager, programme=w.other_programme
    )

    def status_change(obj):
        return StatusChange.objects.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
        ).latest("pk")

    followers = {
        "thematic-areas": {
            OWN: [follow("area", w.area, programmes["programme"], "thematic-areas")],
            OTHER_CITY: [
                follow("other_area", w.other_area, programmes["other_programme"], "thematic-areas")
            ],
        },
        "challenges": {
            OWN: [follow("challenge", w.challenge, programmes["programme"], "challenges")],
            OTHER_CITY: [
                follow(
                    "other_challenge",
                    w.other_challenge,
                    programmes["other_programme"],
                    "challenges",
                )
            ],
        },
        "programme-assignments": {
            OWN: [
                follow(
                    "assignment",
                    own_assignment,
                    programmes["programme"],
                    "programme-assignments",
                    public=False,
                    projects=frozenset(),
                )
            ],
            OTHER_CITY: [
                follow(
                    "other_assignment",
                    other_assignment,
                    programmes["other_programme"],
                    "programme-assignments",
                    public=False,
                    projects=frozenset(),
                )
            ],
        },
        "plan-phases": {
            OWN: [follow("phase", w.phase, plans["plan"], "plan-phases")],
            OTHER_CITY: [follow("other_phase", w.other_phase, plans["other_plan"], "plan-phases")],
        },
        "plan-actions": {
            OWN: [follow("action", w.action, plans["plan"], "plan-actions")],
            OTHER_CITY: [
                follow("other_action", w.other_action, plans["other_plan"], "plan-actions")
            ],
        },
        "project-participations": {
            case: [
                follow(
                    f"participation in {key}",
                    ProjectParticipation.objects.filter(project=getattr(w, key)).latest("pk"),
                    projects[key],
                    "project-participations",
                )
                for key in keys
            ]
            for case, keys in by_case.items()
        },
        "indicators": {
            OWN: [follow("indicator", w.indicator, projects["project"], "indicators")],
            OTHER_CITY: [
                follow(
                    "other_indicator", w.other_indicator, projects["other_project"], "indicators"
                )
            ],
        },
        "measurements": {
            OWN: [follow("measurement", w.measurement, projects["project"], "measurements")],
            OTHER_CITY: [
                follow(
                    "other_measurement",
                    w.other_measurement,
                    projects["other_project"],
                    "measurements",
                )
            ],
        },
        "meetings": {
            OWN: [
                follow(
                    "meeting",
                    w.meeting,
                    programmes["programme"],
                    "meetings",
                    public=False,
                    projects=frozenset(),
                )
            ],
            OTHER_CITY: [
                follow(
                    "other_meeting",
                    w.other_meeting,
                    programmes["other_programme"],
                    "meetings",
                    public=False,
                    projects=frozenset(),
                )
            ],
        },
        "decisions": {
            OWN: [
                follow(
                    "decision",
                    w.decision,
                    programmes["programme"],
                    "decisions",
                    public=False,
                    projects=frozenset(),
                )
            ],
            OTHER_CITY: [
                follow(
                    "other_decision",
                    w.other_decision,
                    programmes["other_programme"],
                    "decisions",
                    public=False,
                    projects=frozenset(),
                )
            ],
        },
        "allocations": {
            OWN: [follow("allocation", w.allocation, projects["project"], "allocations")],
            OTHER_CITY: [
                follow(
                    "other_allocation", w.other_allocation, projects["other_project"], "allocations"
                )
            ],
        },
        "contracts": {
            OWN: [follow("contract", w.contract, projects["project"], "contracts")],
            OTHER_CITY: [
                follow("other_contract", w.other_contract, projects["other_project"], "contracts")
            ],
        },
        "disbursements": {
            OWN: [
                follow(
                    "a_disbursement",
                    w.a_disbursement,
                    commitments["a_confirmed"],
                    "disbursements",
                    firm=False,  # declared, not verified: only its organisation and managers
                )
            ],
            OTHER_ORG: [
                follow(
                    "b_disbursement",
                    w.b_disbursement,
                    commitments["b_confirmed"],
                    "disbursements",
                    firm=False,  # declared, not verified: only its organisation and managers
                )
            ],
        },
        "status-changes": {
            OWN: [
                follow("project_change", w.project_change, projects["project"], "status-changes"),
                follow(
                    "proposal_change", w.proposal_change, projects["proposal"], "status-changes"
                ),
                follow(
                    "a_pledge_change",
                    status_change(w.a_pledge),
                    commitments["a_pledge"],
                    "status-changes",
                ),
                follow(
                    "a_confirmed_change",
                    status_change(w.a_confirmed),
                    commitments["a_confirmed"],
                    "status-changes",
                ),
            ],
            OTHER_ORG: [
                follow(
                    "b_pledge_change",
                    status_change(w.b_pledge),
                    commitments["b_pledge"],
                    "status-changes",
                )
            ],
            OTHER_CITY: [
                follow(
                    "other_project_change",
                    w.other_project_change,
                    projects["other_project"],
                    "status-changes",
                ),
                follow(
                    "other_pledge_change",
                    status_change(w.other_pledge),
                    commitments["other_pledge"],
                    "status-changes",
                ),
            ],
        },
    }
    for resource, cases in followers.items():
        r[resource] = Resource(cases=cases)
    assert set(r) == set(TABLE) | set(FOLLOWERS), set(r) ^ (set(TABLE) | set(FOLLOWERS))
    return people, r


def project_step(project) -> dict:
    """A step the project's workflow allows from where it is."""
    if project.status in (Project.Status.PROPOSED,):
        return {"to": "under_assessment", "note": "Ready for assessment"}
    return {"to": "suspended", "note": "Waiting for the supplier"}


def commitment_step(commitment) -> dict:
    if commitment.status == Commitment.Status.PLEDGED:
        return {"to": "confirmed", "act_reference": "Delibera CdA n. 20/2024"}
    return {"to": "withdrawn", "reason": "Budget cut by the partner's board"}


# ----------------------------------------------------------------------------------------
# The routes.


@dataclass(frozen=True)
class Route:
    basename: str
    viewset: type

    @property
    def lookup(self) -> tuple[str, str]:
        field_name = getattr(self.viewset, "lookup_field", "pk")
        return field_name, getattr(self.viewset, "lookup_url_kwarg", None) or field_name

    def list_url(self) -> str:
        return reverse(f"api:{self.basename}-list")

    def detail_url(self, obj, name: str = "detail") -> str:
        field_name, kwarg = self.lookup
        return reverse(f"api:{self.basename}-{name}", kwargs={kwarg: getattr(obj, field_name)})

    def main_action(self) -> str | None:
        """The url name of the resource's workflow action on one object, if it has one."""
        actions = {
            extra.url_name: extra
            for extra in self.viewset.get_extra_actions()
            if extra.detail and "post" in extra.mapping
        }
        for name in MAIN_ACTIONS:
            if name in actions:
                return name
        return min(actions, default=None)


def api_routes() -> dict[str, Route]:
    """Every router resource under /api/v1/, by basename."""
    routes: dict[str, Route] = {}

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
                continue
            assert isinstance(pattern, URLPattern)
            viewset = getattr(pattern.callback, "cls", None)
            name = pattern.name or ""
            if (
                prefix.startswith("api/v1/")
                and viewset is not None
                and issubclass(viewset, ViewSetMixin)
                and name.endswith(("-list", "-detail"))
            ):
                basename = name.rsplit("-", 1)[0]
                routes[basename] = Route(basename, viewset)

    walk(get_resolver().url_patterns, "")
    return routes


ROUTES = api_routes()


def test_every_api_resource_is_in_the_permission_table():
    """An endpoint nobody wrote a rule for fails here: add it to the table (or its followers)."""
    missing = sorted(set(ROUTES) - set(TABLE) - set(FOLLOWERS))
    assert not missing, (
        f"API resources missing from docs/permissions.md's table and from its followers: {missing}"
    )


@pytest.mark.parametrize("resource", sorted(set(TABLE) | set(FOLLOWERS)))
def test_every_resource_of_the_table_is_served(resource):
    assert resource in ROUTES, f"/api/v1/{resource}/ is in docs/permissions.md but not served"


# ----------------------------------------------------------------------------------------
# The matrix.


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The world, built once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        world.people, world.resources = build_resources(world)
        yield world
        transaction.set_rollback(True)


def client_for(world, role: str) -> APIClient:
    client = APIClient()
    user = world.users[role]
    if user is not None:
        client.force_authenticate(user)
    return client


def route_for(resource: str) -> Route:
    if resource not in ROUTES:
        pytest.fail(f"/api/v1/{resource}/ is not served (yet)", pytrace=False)
    return ROUTES[resource]


def listed(response) -> list:
    data = response.json()
    return data["results"] if isinstance(data, dict) else data


def cases_of(resources) -> list:
    return [
        pytest.param(resource, role, case, id=f"{resource}-{role}-{case}")
        for resource in resources
        for role in ROLES
        for case in CASES
    ]


@pytest.mark.parametrize(("resource", "role", "case"), cases_of([*TABLE, *FOLLOWERS]))
def test_read(matrix, db, resource, role, case):
    targets = matrix.resources[resource].cases.get(case)
    if not targets:
        pytest.skip(f"no {case} case for {resource}")
    route = route_for(resource)
    who = matrix.people[role]
    client = client_for(matrix, role)
    field_name, _kwarg = route.lookup
    response = client.get(route.list_url(), {"page_size": 200})
    expected = {target.name: may("read", role, who, target) for target in targets}
    problems = []
    if response.status_code == 200:
        keys = {str(item.get(field_name, item.get("id"))) for item in listed(response)}
    else:
        keys = set()
        # Refusing the whole list is fine only to whom none of these objects may be shown.
        if any(expected.values()) or response.status_code not in ANONYMOUS_REFUSED:
            problems.append(f"list answered {response.status_code}")
    for target in targets:
        readable = expected[target.name]
        key = str(getattr(target.obj, field_name))
        if readable != (key in keys):
            problems.append(f"{target.name} {'missing from' if readable else 'shown in'} the list")
        detail = client.get(route.detail_url(target.obj))
        if readable and detail.status_code != 200:
            problems.append(f"{target.name}: detail {detail.status_code}, expected 200")
        if not readable:
            refused = (404, *ANONYMOUS_REFUSED) if role == "anonymous" else (404,)
            if detail.status_code not in refused:
                problems.append(f"{target.name}: detail {detail.status_code}, expected 404")
    assert not problems, f"{resource} × {role} × {case}: " + "; ".join(problems)


def check_refusal(response, *, resource, action, role, readable, parents=()) -> str | None:
    """Why ``response`` is not the refusal the rules ask for (None when it is)."""
    status = response.status_code
    if nobody_may(resource, action) and status == 405:
        return None
    if role == "anonymous":
        return None if status in ANONYMOUS_REFUSED else f"{status}, expected 401/403"
    if parents and status == 400:
        errors = response.json()
        if isinstance(errors, dict) and set(errors) & set(parents):
            return None
    if status == (403 if readable else 404):
        return None
    if parents and status in REFUSED:
        return None
    return f"{status} {response.content[:300]!r}, expected {403 if readable else 404}"


def audit_count() -> int:
    return AuditEntry.objects.count()


@pytest.mark.parametrize(("resource", "role", "case"), cases_of(TABLE))
def test_create(matrix, db, resource, role, case):
    spec = matrix.resources[resource].create.get(case)
    if spec is None:
        pytest.skip(f"no {case} case to create {resource}")
    route = route_for(resource)
    who = matrix.people[role]
    before = audit_count()
    response = client_for(matrix, role).post(route.list_url(), spec.body, format="json")
    if may("create", role, who, spec.target):
        assert response.status_code in (200, 201), (
            f"{role} may create {spec.target.name}: {response.status_code} {response.content!r}"
        )
        return
    problem = check_refusal(
        response, resource=resource, action="create", role=role, readable=True, parents=spec.parents
    )
    assert problem is None, f"{role} may not create {spec.target.name}: {problem}"
    assert audit_count() == before, "a refused create wrote an audit entry"


def each_target(matrix, resource, case, check):
    targets = matrix.resources[resource].cases.get(case)
    if not targets:
        pytest.skip(f"no {case} case for {resource}")
    problems = []
    for target in targets:
        with transaction.atomic():
            before = audit_count()
            problem = check(target)
            if problem is None and check.refused(target) and audit_count() != before:
                problem = "refused, but an audit entry was written"
            if problem:
                problems.append(f"{target.name}: {problem}")
            transaction.set_rollback(True)
    assert not problems, f"{resource} × {case}: " + "; ".join(problems)


class WriteCheck:
    """One write (update, delete or act) of one role on one object, judged by the table."""

    def __init__(self, matrix, resource, role, action):
        self.matrix, self.resource, self.role, self.action = matrix, resource, role, action
        self.route = route_for(resource)
        self.who = matrix.people[role]
        self.client = client_for(matrix, role)
        self.spec = matrix.resources[resource]

    def refused(self, target) -> bool:
        return not may(self.action, self.role, self.who, target)

    def send(self, target):
        if self.action == "update":
            return self.client.patch(
                self.route.detail_url(target.obj), self.spec.update(target.obj), format="json"
            )
        if self.action == "delete":
            return self.client.delete(self.route.detail_url(target.obj))
        name = self.route.main_action()
        if name is None:
            return None
        return self.client.post(
            self.route.detail_url(target.obj, name), self.spec.act(target.obj), format="json"
        )

    def __call__(self, target) -> str | None:
        response = self.send(target)
        if response is None:
            if nobody_may(self.resource, "act"):
                return None
            return f"the table lets some role act on {self.resource}, which has no action"
        if not self.refused(target):
            ok = response.status_code < 300 or response.status_code in (400, 409)
            return None if ok else f"allowed, but {response.status_code} {response.content[:300]!r}"
        return check_refusal(
            response,
            resource=self.resource,
            action=self.action,
            role=self.role,
            readable=may("read", self.role, self.who, target),
        )


@pytest.mark.parametrize(("resource", "role", "case"), cases_of(TABLE))
def test_update(matrix, db, resource, role, case):
    each_target(matrix, resource, case, WriteCheck(matrix, resource, role, "update"))


@pytest.mark.parametrize(("resource", "role", "case"), cases_of(TABLE))
def test_delete(matrix, db, resource, role, case):
    each_target(matrix, resource, case, WriteCheck(matrix, resource, role, "delete"))


@pytest.mark.parametrize(("resource", "role", "case"), cases_of(TABLE))
def test_act(matrix, db, resource, role, case):
    each_target(matrix, resource, case, WriteCheck(matrix, resource, role, "act"))
