"""Branch staff answer their branch's complaints; the branch head (a group of its own) also
sees the complaint report."""

from django.db import migrations

STAFF_GROUP = "Petugas Kantor Cabang"  # core.models.STAFF_GROUP_NAME
HEAD_GROUP = "Kepala Kantor Cabang"  # complaints.models.BRANCH_HEAD_GROUP_NAME
STAFF_PERMISSIONS = ["view_complaint", "change_complaint"]
HEAD_PERMISSIONS = [*STAFF_PERMISSIONS, "view_complaint_report"]


def _permissions(apps, codenames):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="complaints", codename__in=codenames)


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    staff = Group.objects.filter(name=STAFF_GROUP).first()
    if staff is not None:
        staff.permissions.add(*_permissions(apps, STAFF_PERMISSIONS))
    head, _ = Group.objects.get_or_create(name=HEAD_GROUP)
    head.permissions.add(*_permissions(apps, HEAD_PERMISSIONS))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    staff = Group.objects.filter(name=STAFF_GROUP).first()
    if staff is not None:
        staff.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="complaints", codename__in=STAFF_PERMISSIONS
            )
        )
    Group.objects.filter(name=HEAD_GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("complaints", "0001_initial"),
        ("core", "0003_staff_group"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
