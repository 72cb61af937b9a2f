from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import translation

from core.models import AuditEntry
from funding.models import Commitment, FundSource
from partners.models import Agreement, Membership, Organisation, Signatory
from partners.services import organisation_create
from portal import demo
from portal.demo import DEMO_PASSWORD, DEMO_USERNAMES
from portal.demo.livorno import FIBRE_PROTOCOL
from portal.demo.prato import PROTOCOL as PRATO_PROTOCOL
from programme.models import Milestone, Programme, ProgrammeAssignment, Project, StatusChange
from programme.services import programme_create

pytestmark = pytest.mark.django_db

User = get_user_model()


def seed(*args: str) -> str:
    out = StringIO()
    with translation.override("en"):
        call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every table Django knows, history and many-to-many tables included."""
    return {
        model._meta.label: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """One demo database for a class of tests that only read it, rolled back after them.

    Class scope, so that it is gone before any test outside the class runs.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded")
class TestTheDemo:
    def test_seed_demo_reports_what_it_loaded(self, seeded):
        assert "Innovare Livorno" in seeded
        assert "Prato Smart City" in seeded
        assert len(seeded.strip().splitlines()) == 1

    def test_seed_demo_tells_both_stories(self):
        assert set(Programme.objects.values_list("slug", "status")) == {
            ("innovare-livorno", Programme.Status.PUBLISHED),
            ("prato-smart-city", Programme.Status.PUBLISHED),
        }
        titles = set(Project.objects.values_list("title", flat=True))
        assert {
            "Cloud for e-government",
            "Open City platform",
            "Rete in fibra ottica a banda ultra-larga",
            "Situation Room",
        } <= titles

    def test_running_it_twice_changes_nothing(self):
        before = row_counts()

        output = seed()

        assert row_counts() == before
        assert "nothing changed" in output

    def test_fibre_protocol_commitments_sum_to_thirteen_million(self):
        agreement = Agreement.objects.get(title=FIBRE_PROTOCOL)
        operators = Organisation.objects.filter(
            signatures__agreement=agreement, kind=Organisation.Kind.TELECOM
        )
        commitments = Commitment.objects.filter(organisation__in=operators).exclude(
            status=Commitment.Status.WITHDRAWN
        )

        assert {operator.short_name for operator in operators} == {"Telecom Italia", "Fastweb"}
        assert sum(c.amount for c in commitments) == Decimal("13000000.00")
        assert {c.kind for c in commitments} == {Commitment.Kind.DIRECT_SPENDING}
        assert {c.status for c in commitments} <= set(Commitment.FIRM_STATUSES)
        private = FundSource.objects.filter(kind=FundSource.Kind.PRIVATE_INVESTMENT)
        assert all(source.is_off_budget for source in private)
        assert sum(source.total for source in private) == Decimal("13000000.00")

    def test_each_prato_signatory_co_finances_in_several_states_and_kinds(self):
        signatories = Organisation.objects.filter(
            signatures__agreement__title=PRATO_PROTOCOL,
            signatures__role=Signatory.Role.SIGNATORY,
        )
        assert {o.short_name for o in signatories} == {"CISPEL Toscana", "Cap", "Gida", "Citelum"}

        commitments = Commitment.objects.filter(organisation__in=signatories)
        for signatory in signatories:
            assert commitments.filter(organisation=signatory).exists(), signatory
        assert {c.status for c in commitments} == set(Commitment.Status.values)
        assert {c.kind for c in commitments} == set(Commitment.Kind.values)
        assert all(c.subject_to_budget_availability for c in commitments)
        withdrawn = commitments.get(status=Commitment.Status.WITHDRAWN)
        assert withdrawn.withdrawal_reason
        partly = commitments.get(status=Commitment.Status.PARTLY_DISBURSED)
        assert Decimal(0) < partly.disbursed_amount < partly.amount

    def test_milestones_include_late_and_done_ones(self):
        milestones = list(Milestone.objects.all())

        assert any(milestone.is_late for milestone in milestones)
        assert any(milestone.is_done for milestone in milestones)

    def test_projects_move_through_the_workflow_services(self):
        open_city = Project.objects.get(title="Open City platform")
        approval = StatusChange.objects.get(
            object_id=open_city.pk, to_status=Project.Status.APPROVED
        )

        assert open_city.status == Project.Status.IN_PROGRESS
        assert open_city.manager.username == "pm.livorno"
        assert approval.act_number and approval.act_date
        assert AuditEntry.objects.filter(verb="project.transitioned", target_id=str(open_city.pk))

    @pytest.mark.parametrize("username", DEMO_USERNAMES)
    def test_every_demo_user_logs_in_with_the_demo_password(self, username):
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None

    def test_demo_users_have_their_roles(self):
        users = User.objects.in_bulk(DEMO_USERNAMES, field_name="username")

        assert users["admin"].is_superuser and users["admin"].is_staff
        for username in ("manager", "council"):
            assignments = ProgrammeAssignment.objects.filter(user=users[username])
            assert assignments.count() == 2
        for username, organisation in (
            ("partner.gida", "Gida"),
            ("partner.citelum", "Citelum"),
            ("partner.telecom", "Telecom Italia"),
        ):
            membership = Membership.objects.get(user=users[username])
            assert membership.organisation.short_name == organisation
            assert membership.role == Membership.Role.REPRESENTATIVE
        assert not users["citizen"].is_staff
        assert not users["citizen"].memberships.exists()


def test_if_empty_does_nothing_when_a_programme_exists():
    owner = organisation_create(actor=None, name="Comune di Pisa", kind="municipality")
    programme_create(actor=None, name="Pisa Smart", slug="pisa-smart", owner=owner)
    before = row_counts()

    output = seed("--if-empty")

    assert row_counts() == before
    assert "not loaded" in output


def test_if_empty_seeds_an_empty_database():
    output = seed("--if-empty")

    assert Programme.objects.count() == 2
    assert len(output.strip().splitlines()) == 1


def test_existing_accounts_are_left_alone():
    User.objects.create_user(username="admin", password="someone-elses")

    seed()

    assert User.objects.filter(username="admin").count() == 1
    assert authenticate(username="admin", password="someone-elses") is not None
    assert authenticate(username="manager", password=DEMO_PASSWORD) is not None


def test_a_failed_seed_leaves_nothing_behind(monkeypatch):
    def refuse(cast):
        raise ValidationError("refused")

    monkeypatch.setitem(demo.STORIES, "prato-smart-city", refuse)

    with pytest.raises(CommandError, match="refused"):
        seed()

    assert not Programme.objects.exists()
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_seed_demo_refuses_where_demo_data_is_not_allowed(settings):
    settings.REGIA_DEMO_DATA_ALLOWED = False

    with translation.override("en"), pytest.raises(CommandError, match="not allowed"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_demo_manager_can_work_in_the_back_office():
    seed()

    manager = User.objects.get(username="manager")

    assert manager.is_staff
    assert manager.has_perms(["programme.change_project", "funding.view_commitment"])
    assert not manager.has_perm("programme.delete_project")
