"""The branch staff group (petugas kantor cabang): what a staff account may see and change in
the admin. Which rows is decided by branch scoping in the admin querysets, not here."""

from django.db import migrations

GROUP_NAME = "Petugas Kantor Cabang"  # core.admin.STAFF_GROUP_NAME

PERMISSIONS = [
    ("participants", "view_participant"),
    ("participants", "change_participant"),
    ("families", "view_familycard"),
    ("families", "change_familycard"),
    ("families", "view_familymembership"),
    ("families", "change_familymembership"),
    ("participants", "view_statuschange"),
    ("participants", "view_facility"),
    ("participants", "view_segment"),
    ("participants", "view_contributionrate"),
    ("core", "view_region"),
    ("core", "view_jobrun"),
]


def create_group(apps, schema_editor):
    # Permissions are normally created after the whole migrate run (post_migrate); create
    # them now so a fresh database gets the group with its permissions in one go.
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP_NAME)
    perms = []
    for app_label, codename in PERMISSIONS:
        perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    group.permissions.add(*perms)


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("core", "0002_load_regions"),
        ("participants", "0002_segments_and_rates"),
        ("families", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
