"""Fixtures shared by the whole suite: one per role, and the rules for tests needing servers.

A test marked ``postgres`` runs only on PostgreSQL and one marked ``redis`` only when Redis
answers at REDIS_URL. Elsewhere they are skipped, except under CI=true, where a skipped
server test would hide a gap: there the run fails instead.
"""

from __future__ import annotations

import functools
import os

import factory
import pytest
from django.core.cache import cache
from django.utils import translation
from hypothesis import settings as hypothesis_settings

from partners.models import Membership, Organisation
from partners.services import organisation_group
from programme.models import ProgrammeAssignment
from programme.services import project_assign_manager, sync_programme_roles
from tests.core import files
from tests.factories import (
    AdminFactory,
    AgreementFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    ProgrammeAssignmentFactory,
    ProgrammeFactory,
    ProjectFactory,
    ProjectParticipationFactory,
    SignatoryFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
NEEDS_POSTGRES = "needs PostgreSQL (set DATABASE_URL)"
NEEDS_REDIS = f"needs Redis at {REDIS_URL} (set REDIS_URL)"

hypothesis_settings.register_profile("ci", max_examples=20, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=50)
hypothesis_settings.load_profile("ci" if IN_CI else "dev")


def _database_is_postgres() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@functools.cache
def _redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    missing = []
    if item.get_closest_marker("postgres") and not _database_is_postgres():
        missing.append(NEEDS_POSTGRES)
    if item.get_closest_marker("redis") and not _redis_answers():
        missing.append(NEEDS_REDIS)
    if missing:
        reason = "; ".join(missing)
        if IN_CI:
            pytest.fail(f"CI=true but this test {reason}", pytrace=False)
        pytest.skip(reason)


@pytest.fixture
def english():
    """Messages in English, whatever translations are installed, for tests that read them."""
    with translation.override("en"):
        yield


@pytest.fixture
def admin_user(db):
    return AdminFactory(username="admin")


@pytest.fixture
def municipality(db) -> Organisation:
    return MunicipalityFactory(name="Comune di Livorno", tax_code="00104330493", vat_number="")


@pytest.fixture
def programme(municipality):
    return ProgrammeFactory(name="Innovare Livorno", slug="innovare-livorno", owner=municipality)


@pytest.fixture
def partner(db) -> Organisation:
    """A utility that co-finances the project."""
    return OrganisationFactory(name="Gida S.p.A.", kind=Organisation.Kind.UTILITY)


@pytest.fixture
def project(programme, partner):
    project = ProjectFactory(programme=programme, title="Open City platform")
    ProjectParticipationFactory(project=project, organisation=programme.owner, role="lead")
    ProjectParticipationFactory(project=project, organisation=partner, role="co_financer")
    return project


@pytest.fixture
def manager(programme):
    """A programme manager of the programme, on the municipality's staff."""
    user = UserFactory(username="manager")
    MembershipFactory(user=user, organisation=programme.owner, role=Membership.Role.STAFF)
    ProgrammeAssignmentFactory(
        user=user, programme=programme, role=ProgrammeAssignment.Role.PROGRAMME_MANAGER
    )
    sync_programme_roles(user)
    return user


@pytest.fixture
def project_manager(project):
    """The manager of the project."""
    user = UserFactory(username="pm.livorno")
    project_assign_manager(project=project, manager=user, actor=AdminFactory())
    project.refresh_from_db()
    return user


@pytest.fixture
def partner_rep(partner):
    """The partner's representative."""
    user = UserFactory(username="partner.gida")
    MembershipFactory(user=user, organisation=partner, role=Membership.Role.REPRESENTATIVE)
    # What membership_create does besides its audit row: partner rights come with the group.
    user.groups.add(organisation_group(partner))
    return user


@pytest.fixture
def council_member(programme):
    user = UserFactory(username="council")
    ProgrammeAssignmentFactory(
        user=user, programme=programme, role=ProgrammeAssignment.Role.COUNCIL_MEMBER
    )
    sync_programme_roles(user)
    return user


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen")


@pytest.fixture
def agreement(municipality, partner):
    """A Protocollo d'Intesa between the municipality and the partner, with its signed PDF."""
    agreement = AgreementFactory(
        title="Protocollo d'Intesa per la Situation Room",
        document=factory.django.FileField(data=files.PDF, filename="protocollo.pdf"),
    )
    SignatoryFactory(agreement=agreement, organisation=municipality, role="promoter")
    SignatoryFactory(agreement=agreement, organisation=partner)
    return agreement


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters and other cached state never leak from one test into the next."""
    cache.clear()
    yield
    cache.clear()
