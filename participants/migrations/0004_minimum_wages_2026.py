"""2026 regional minimum wages (the floor of the PPU contribution base), as data.

A bill uses the figure in force in its own month (DESIGN.md 4.3), so a 2025 bill keeps the
2025 floor. Sources, as published by the governors' decrees and reported by the press:
UMP DKI Jakarta 2026 Rp5.729.876; UMP Jawa Barat 2026 Rp2.317.601 (Kepgub Jabar
561/Kep.859-Kesra/2025); UMK 2026 of Bogor, Depok and Bekasi (Kepgub Jabar
561/Kep.862-Kesra/2025); UMP Banten 2026 Rp3.100.881. The 2026 UMK of the Tangerang region
was not at hand: its 2025 row stays in force there until staff add the new one (admin)."""

from datetime import date

from django.db import migrations

VALID_FROM = date(2026, 1, 1)
WAGES = [
    ("31", 5_729_876, "UMP DKI Jakarta 2026"),
    ("32", 2_317_601, "UMP Jawa Barat 2026 (Kepgub Jabar 561/Kep.859-Kesra/2025)"),
    ("36", 3_100_881, "UMP Banten 2026"),
    ("3201", 5_161_769, "UMK Kabupaten Bogor 2026 (Kepgub Jabar 561/Kep.862-Kesra/2025)"),
    ("3271", 5_437_203, "UMK Kota Bogor 2026 (Kepgub Jabar 561/Kep.862-Kesra/2025)"),
    ("3276", 5_522_662, "UMK Kota Depok 2026 (Kepgub Jabar 561/Kep.862-Kesra/2025)"),
    ("3275", 5_999_443, "UMK Kota Bekasi 2026 (Kepgub Jabar 561/Kep.862-Kesra/2025)"),
    ("3216", 5_938_885, "UMK Kabupaten Bekasi 2026 (Kepgub Jabar 561/Kep.862-Kesra/2025)"),
]


def load(apps, schema_editor):
    MinimumWage = apps.get_model("participants", "MinimumWage")
    for region, amount, source in WAGES:
        MinimumWage.objects.update_or_create(
            region_id=region,
            valid_from=VALID_FROM,
            defaults={"monthly_amount": amount, "source": source},
        )


def unload(apps, schema_editor):
    apps.get_model("participants", "MinimumWage").objects.filter(valid_from=VALID_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0003_family_facts_and_minimum_wage"),
        ("payments", "0002_minimum_wages_and_staff_permissions"),
    ]
    operations = [migrations.RunPython(load, unload)]
