"""What branch staff may do with data changes in the admin: see them and reverse one (the
change permission, through the service), see and set FKTP capacity."""

from django.db import migrations

STAFF_GROUP = "Petugas Kantor Cabang"  # core.models.STAFF_GROUP_NAME
STAFF_PERMISSIONS = [
    "view_datachange",
    "change_datachange",
    "view_facilitycapacity",
    "add_facilitycapacity",
    "change_facilitycapacity",
]


def grant_staff(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=STAFF_GROUP).first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="changes", codename__in=STAFF_PERMISSIONS)
    )


def revoke_staff(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=STAFF_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="changes", codename__in=STAFF_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("changes", "0001_initial"),
        ("core", "0003_staff_group"),
    ]

    operations = [migrations.RunPython(grant_staff, revoke_staff)]
