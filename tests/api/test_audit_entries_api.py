"""The audit log through the API and the back office: read-only, scoped to one's programmes."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEntry
from funding.models import Commitment
from funding.services import commitment_pledge, disbursement_declare
from portal.selectors import PROGRAMME_LOOKUPS
from programme.models import ProgrammeAssignment, ProjectParticipation
from tests.factories import PASSWORD

URL = "/api/v1/audit-entries/"


def entry_ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def entries_about(*objects) -> set[int]:
    return {
        entry.pk
        for obj in objects
        for entry in AuditEntry.objects.filter(
            target_type=obj._meta.label_lower, target_id=str(obj.pk)
        )
    }


def own_and_other(w) -> dict[type, tuple[object, object]]:
    """One object of each programme-bound model in the manager's programme and in the other."""
    other_action_pledge = commitment_pledge(
        actor=w.partner_b,
        organisation=w.org_b,
        plan_action=w.other_action,
        year=w.other_action.year,
        kind=Commitment.Kind.IN_KIND,
        amount=Decimal("1000.00"),
    )
    other_disbursement = disbursement_declare(
        commitment=w.other_confirmed,
        amount=Decimal("100.00"),
        disbursed_on=datetime.date(2024, 5, 2),
        actor=w.partner_b,
    )
    pairs = {
        "programme": (w.programme, w.other_programme),
        "programmeassignment": (
            ProgrammeAssignment.objects.get(user=w.manager, programme=w.programme),
            ProgrammeAssignment.objects.get(user=w.other_manager, programme=w.other_programme),
        ),
        "thematicarea": (w.area, w.other_area),
        "challenge": (w.challenge, w.other_challenge),
        "meeting": (w.meeting, w.other_meeting),
        "decision": (w.decision, w.other_decision),
        "plan": (w.plan, w.other_plan),
        "planphase": (w.phase, w.other_phase),
        "planaction": (w.action, w.other_action),
        "project": (w.project, w.other_project),
        "projectparticipation": (
            ProjectParticipation.objects.filter(project=w.project).first(),
            ProjectParticipation.objects.filter(project=w.other_project).first(),
        ),
        "milestone": (w.milestones["project"], w.milestones["other_project"]),
        "indicator": (w.indicator, w.other_indicator),
        "measurement": (w.measurement, w.other_measurement),
        "risk": (w.risks["project"], w.risks["other_project"]),
        "fundsource": (w.fund_source, w.other_fund_source),
        "allocation": (w.allocation, w.other_allocation),
        "contract": (w.contract, w.other_contract),
        "transaction": (w.transactions["project"], w.transactions["other_project"]),
        "commitment": (w.a_pledge, w.other_pledge),
        "disbursement": (w.a_disbursement, other_disbursement),
    }
    by_model = {type(own): (own, other) for own, other in pairs.values()}
    assert set(by_model) == set(PROGRAMME_LOOKUPS)
    by_model["plan action commitment"] = (w.a_action_pledge, other_action_pledge)
    return by_model


def test_a_manager_reads_the_entries_about_every_kind_of_object_of_their_programmes(world, as_user):
    pairs = own_and_other(world)
    for own, other in pairs.values():
        audit_record(actor=world.admin, verb="test.touched", target=own)
        audit_record(actor=world.admin, verb="test.touched", target=other)

    shown = entry_ids(as_user(world.manager).get(URL, {"verb": "test.touched", "page_size": 200}))

    for kind, (own, other) in pairs.items():
        own_entries = entries_about(own) & set(
            AuditEntry.objects.filter(verb="test.touched").values_list("pk", flat=True)
        )
        assert own_entries <= shown, f"{kind}: the manager misses their programme's entry"
        assert not entries_about(other) & shown, f"{kind}: the manager sees another's entry"


def test_a_manager_reads_a_draft_programme_of_theirs_but_no_other_municipality_s(world, as_user):
    audit_record(actor=world.admin, verb="test.touched", target=world.draft_project)
    audit_record(actor=world.admin, verb="test.touched", target=world.other_draft_programme)

    shown = entry_ids(as_user(world.manager).get(URL, {"verb": "test.touched"}))

    assert shown == entries_about(world.draft_project)


def test_entries_about_no_programme_are_for_administrators_only(world, as_user):
    about_partners = entries_about(world.a_membership, world.agreement, world.a_obligation)
    assert about_partners

    assert not entry_ids(as_user(world.manager).get(URL, {"page_size": 200})) & about_partners
    assert about_partners <= entry_ids(as_user(world.admin).get(URL, {"page_size": 200}))


def test_an_administrator_reads_every_entry(world, as_user):
    response = as_user(world.admin).get(URL, {"page_size": 200})

    assert response.json()["count"] == AuditEntry.objects.count()


@pytest.mark.parametrize("role", ["citizen", "partner", "project_manager", "council"])
def test_other_roles_read_no_entry(world, as_user, role):
    client = as_user(world.users[role])
    own_entry = AuditEntry.objects.filter(target_id=str(world.a_pledge.pk)).first()

    assert entry_ids(client.get(URL)) == set()
    assert client.get(f"{URL}{own_entry.pk}/").status_code == 404


def test_anonymous_visitors_are_asked_to_log_in(world, api):
    assert api.get(URL).status_code == 401
    assert api.get(f"{URL}{AuditEntry.objects.first().pk}/").status_code == 401


def test_an_entry_outside_the_manager_s_programmes_is_a_404(world, as_user):
    other = AuditEntry.objects.get(target_id=str(world.other_pledge.pk), verb="commitment.pledged")

    assert as_user(world.manager).get(f"{URL}{other.pk}/").status_code == 404
    assert as_user(world.other_manager).get(f"{URL}{other.pk}/").status_code == 200


def test_an_entry_shows_who_did_what_to_which_object_when_and_from_where(world, as_user):
    entry = AuditEntry.objects.get(target_id=str(world.a_pledge.pk), verb="commitment.pledged")

    body = as_user(world.manager).get(f"{URL}{entry.pk}/").json()

    assert body["actor"] == world.partner.pk
    assert body["actor_repr"] == "w.partner"
    assert body["verb"] == "commitment.pledged"
    assert body["target_type"] == "funding.commitment"
    assert body["target_id"] == str(world.a_pledge.pk)
    assert body["data"] == {"amount": "50000.00"}
    assert {"created_at", "ip_address", "target_repr", "user_agent"} <= set(body)


@pytest.mark.parametrize("role", ["manager", "admin"])
@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_entries_are_never_changed_or_deleted(world, as_user, role, method):
    entry = AuditEntry.objects.get(target_id=str(world.a_pledge.pk), verb="commitment.pledged")

    response = getattr(as_user(world.users[role]), method)(
        f"{URL}{entry.pk}/", {"verb": "forged"}, format="json"
    )

    assert response.status_code == 405
    entry.refresh_from_db()
    assert entry.verb == "commitment.pledged"


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_entries_are_never_added_through_the_api(world, as_user, role):
    count = AuditEntry.objects.count()

    response = as_user(world.users[role]).post(URL, {"verb": "forged"}, format="json")

    assert response.status_code == 405
    assert AuditEntry.objects.count() == count


def test_entries_are_filtered_by_verb_target_and_actor(world, as_user):
    client = as_user(world.admin)

    by_verb = client.get(URL, {"verb": "commitment.confirmed", "page_size": 200}).json()
    by_target = client.get(
        URL,
        {"target_type": "funding.commitment", "target_id": world.a_pledge.pk, "page_size": 200},
    ).json()
    by_actor = client.get(URL, {"actor": world.partner_b.pk, "page_size": 200}).json()

    assert {item["verb"] for item in by_verb["results"]} == {"commitment.confirmed"}
    assert by_verb["count"] == 3
    assert {item["target_id"] for item in by_target["results"]} == {str(world.a_pledge.pk)}
    assert {item["actor"] for item in by_actor["results"]} == {world.partner_b.pk}
    assert by_actor["count"] == AuditEntry.objects.filter(actor=world.partner_b).count()


def test_entries_are_filtered_by_date(world, as_user):
    client = as_user(world.admin)
    old = AuditEntry.objects.get(target_id=str(world.a_pledge.pk), verb="commitment.pledged")
    AuditEntry.objects.filter(pk=old.pk).update(
        created_at=datetime.datetime(2024, 3, 15, 9, 0, tzinfo=datetime.UTC)
    )

    before = client.get(URL, {"created_before": "2024-03-15"}).json()
    after = client.get(URL, {"created_after": "2024-03-16", "page_size": 200}).json()
    day = client.get(URL, {"created_after": "2024-03-15", "created_before": "2024-03-15"}).json()

    assert [item["id"] for item in before["results"]] == [old.pk]
    assert old.pk not in {item["id"] for item in after["results"]}
    assert after["count"] == AuditEntry.objects.count() - 1
    assert [item["id"] for item in day["results"]] == [old.pk]


def test_entries_are_searched_and_newest_first(world, as_user):
    client = as_user(world.admin)

    found = client.get(URL, {"search": "withdrawn", "page_size": 200}).json()["results"]
    listed = client.get(URL, {"page_size": 200}).json()["results"]

    assert {item["verb"] for item in found} == {"commitment.withdrawn"}
    assert [item["id"] for item in listed] == sorted((item["id"] for item in listed), reverse=True)


@pytest.mark.parametrize("role", ["manager", "admin"])
def test_the_list_runs_the_same_queries_for_10_and_100_rows(world, as_user, role):
    client = as_user(world.users[role])

    def queries(rows: int) -> int:
        for _ in range(rows):
            audit_record(actor=world.partner, verb="test.touched", target=world.a_pledge)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"verb": "test.touched", "page_size": 200})
        assert response.json()["count"] >= rows
        return len(captured)

    assert queries(10) == queries(90)
    assert queries(0) <= 4


# ----------------------------------------------------------------------------------------
# The back office.


def test_the_back_office_shows_a_manager_the_entries_of_their_programmes_only(world, client):
    assert client.login(username="w.manager", password=PASSWORD)
    mine = AuditEntry.objects.get(target_id=str(world.a_pledge.pk), verb="commitment.pledged")
    other = AuditEntry.objects.get(target_id=str(world.other_pledge.pk), verb="commitment.pledged")

    page = client.get(reverse("admin:core_auditentry_changelist"))

    assert page.status_code == 200
    shown = set(page.context["cl"].result_list.values_list("pk", flat=True))
    assert mine.pk in shown
    assert other.pk not in shown
    assert client.get(reverse("admin:core_auditentry_change", args=[mine.pk])).status_code == 200
    # Out of scope: as if it did not exist (a 404, or Django's redirect to the index).
    hidden = client.get(reverse("admin:core_auditentry_change", args=[other.pk]))
    assert hidden.status_code in (302, 404)


def test_the_back_office_shows_an_administrator_every_entry(world, client):
    assert client.login(username="w.admin", password=PASSWORD)

    page = client.get(reverse("admin:core_auditentry_changelist"))

    assert page.context["cl"].result_count == AuditEntry.objects.count()


def test_the_back_office_audit_log_stays_read_only(world, client):
    assert client.login(username="w.manager", password=PASSWORD)
    mine = AuditEntry.objects.get(target_id=str(world.a_pledge.pk), verb="commitment.pledged")

    assert client.get(reverse("admin:core_auditentry_add")).status_code == 403
    assert client.post(reverse("admin:core_auditentry_delete", args=[mine.pk])).status_code == 403
