"""The role groups of core.roles, with the model permissions of portal.roles."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_roles(apps, schema_editor):
    from core.roles import Role, role_group_name
    from portal.roles import ROLE_PERMISSIONS

    # Permissions are normally created after all migrations; create them now to grant them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role:
        group, _ = Group.objects.get_or_create(name=role_group_name(role))
        for app_label, actions in ROLE_PERMISSIONS[role].items():
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label,
                    codename__regex=r"^(%s)_" % "|".join(actions),
                )
            )


def remove_roles(apps, schema_editor):
    from core.roles import Role, role_group_name

    apps.get_model("auth", "Group").objects.filter(
        name__in=[role_group_name(role) for role in Role]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0001_initial"),
        ("partners", "0001_initial"),
        ("programme", "0001_initial"),
        ("funding", "0003_transactions_append_only"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
