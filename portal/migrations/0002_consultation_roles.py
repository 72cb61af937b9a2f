"""The consultation app's model permissions for the roles that work on consultations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

APP_LABEL = "consultation"


def grant(apps, schema_editor):
    from core.roles import Role, role_group_name
    from portal.roles import ROLE_PERMISSIONS

    # Permissions are normally created after all migrations; create them now to grant them.
    app_config = apps.get_app_config(APP_LABEL)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        actions = ROLE_PERMISSIONS[role].get(APP_LABEL)
        if not actions:
            continue
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=APP_LABEL,
                codename__regex=r"^(%s)_" % "|".join(actions),
            )
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for permission in Permission.objects.filter(content_type__app_label=APP_LABEL):
        permission.group_set.clear()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_roles"),
        ("consultation", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
