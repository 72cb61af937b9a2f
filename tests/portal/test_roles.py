"""The role groups carry the model permissions that open the back office to each role."""

import pytest
from django.contrib.auth.models import Group

from core.roles import Role, role_group_name

pytestmark = pytest.mark.django_db


def codenames(role: Role, app_label: str) -> set[str]:
    group = Group.objects.get(name=role_group_name(role))
    return set(
        group.permissions.filter(content_type__app_label=app_label).values_list(
            "codename", flat=True
        )
    )


def test_programme_managers_keep_consultations_in_the_back_office():
    granted = codenames(Role.PROGRAMME_MANAGER, "consultation")
    assert {"view_consultation", "add_consultation", "change_consultation"} <= granted
    assert "delete_consultation" not in granted


def test_moderators_read_consultations_and_change_nothing_there():
    granted = codenames(Role.MODERATOR, "consultation")
    assert "view_answer" in granted
    assert not {codename for codename in granted if not codename.startswith("view_")}


def test_citizens_have_no_back_office_permission():
    assert not Group.objects.get(name=role_group_name(Role.CITIZEN)).permissions.exists()
