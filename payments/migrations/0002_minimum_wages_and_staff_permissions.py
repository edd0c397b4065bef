"""Regional minimum wages as data (the floor of the PPU contribution base), and what branch
staff may see and do with payments in the admin.

Wages: 2025 figures from the governors' decrees as reported by the press (UMP DKI Jakarta,
UMP Jawa Barat and the UMK of Bogor, Depok, Bekasi and Tangerang; Kepgub Jabar
561.7/Kep.798-Kesra/2024), in whole rupiah, rounded down. A new year is a new row with a later
valid_from (admin), not a code change. Regions without a row use their province's UMP; where
neither is known, no floor applies (see payments.services.billing.WageBook)."""

from datetime import date

from django.db import migrations

FROM_2025 = VALID_FROM = date(2025, 1, 1)
WAGES_2025 = WAGES = [
    ("31", 5_396_761, "UMP DKI Jakarta 2025"),
    ("32", 2_191_238, "UMP Jawa Barat 2025"),
    ("3201", 4_877_211, "UMK Kabupaten Bogor 2025 (Kepgub Jabar 561.7/Kep.798-Kesra/2024)"),
    ("3271", 5_126_897, "UMK Kota Bogor 2025 (Kepgub Jabar 561.7/Kep.798-Kesra/2024)"),
    ("3276", 5_195_720, "UMK Kota Depok 2025 (Kepgub Jabar 561.7/Kep.798-Kesra/2024)"),
    ("3275", 5_690_752, "UMK Kota Bekasi 2025 (Kepgub Jabar 561.7/Kep.798-Kesra/2024)"),
    ("3216", 5_558_514, "UMK Kabupaten Bekasi 2025 (Kepgub Jabar 561.7/Kep.798-Kesra/2024)"),
    ("3603", 4_901_117, "UMK Kabupaten Tangerang 2025"),
    ("3671", 5_069_707, "UMK Kota Tangerang 2025"),
    ("3674", 4_900_000, "UMK Kota Tangerang Selatan 2025"),
]

STAFF_GROUP = "Petugas Kantor Cabang"  # core.models.STAFF_GROUP_NAME
STAFF_PERMISSIONS = [
    "view_bill",
    "view_payment",
    "view_paymentnotification",
    "change_paymentnotification",  # the "match to a VA" action (through the service)
    "view_reactivation",
    "view_minimumwage",
]


def load_wages(apps, schema_editor):
    MinimumWage = apps.get_model("payments", "MinimumWage")
    for region, amount, source in WAGES_2025:
        MinimumWage.objects.update_or_create(
            region_id=region,
            valid_from=FROM_2025,
            defaults={"monthly_amount": amount, "source": source},
        )


def unload_wages(apps, schema_editor):
    apps.get_model("payments", "MinimumWage").objects.filter(valid_from=FROM_2025).delete()


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
        *Permission.objects.filter(
            content_type__app_label="payments", codename__in=STAFF_PERMISSIONS
        )
    )


def revoke_staff(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=STAFF_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="payments", codename__in=STAFF_PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
        ("core", "0003_staff_group"),
    ]

    operations = [
        migrations.RunPython(load_wages, unload_wages),
        migrations.RunPython(grant_staff, revoke_staff),
    ]
