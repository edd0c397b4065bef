"""Branch staff issue, rotate and switch off their branch's facility credentials (scoped in
the admin's queryset)."""

from django.db import migrations

STAFF_GROUP = "Petugas Kantor Cabang"  # core.models.STAFF_GROUP_NAME
STAFF_PERMISSIONS = ["view_facilitycredential", "add_facilitycredential", "change_facilitycredential"]


def grant_staff(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after the whole migrate run; create them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    group = apps.get_model("auth", "Group").objects.filter(name=STAFF_GROUP).first()
    if group is not None:
        group.permissions.add(
            *apps.get_model("auth", "Permission").objects.filter(
                content_type__app_label="vclaim", codename__in=STAFF_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("vclaim", "0001_initial"), ("core", "0003_staff_group")]

    operations = [migrations.RunPython(grant_staff, migrations.RunPython.noop)]
