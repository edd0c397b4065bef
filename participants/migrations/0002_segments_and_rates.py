"""Segments and contribution rates as data (Perpres 64/2020, unchanged for 2026).

A new regulation is a new ContributionRate row with a later valid_from, not a code change."""

from datetime import date
from decimal import Decimal

from django.db import migrations

SEGMENTS = [
    ("PBI_APBN", "PBI JK (APBN)", "STATE"),
    ("PBI_APBD", "PBI APBD / PD Pemda", "REGION"),
    ("PPU_PN", "PPU Penyelenggara Negara", "EMPLOYER"),
    ("PPU_BU", "PPU Badan Usaha", "EMPLOYER"),
    ("PBPU", "PBPU (Mandiri)", "SELF"),
    ("BP", "Bukan Pekerja", "SELF"),
]

PERPRES_64 = "Perpres 64/2020 Pasal 34"
FROM_2021 = date(2021, 1, 1)

# (segment, class, monthly amount, participant amount, salary percent, ceiling)
RATES = [
    ("PBI_APBN", 0, 42000, None, None, None),
    ("PBI_APBD", 0, 42000, None, None, None),
    # PPU: 5% of salary (4% employer, 1% worker), ceiling Rp12.000.000; the floor is the
    # regional minimum wage, applied by billing.
    ("PPU_PN", 0, None, None, Decimal("5.00"), 12_000_000),
    ("PPU_BU", 0, None, None, Decimal("5.00"), 12_000_000),
    ("PBPU", 1, 150000, None, None, None),
    ("PBPU", 2, 100000, None, None, None),
    # Class III: Rp42.000, of which the participant pays Rp35.000 and the state Rp7.000.
    ("PBPU", 3, 42000, 35000, None, None),
    ("BP", 1, 150000, None, None, None),
    ("BP", 2, 100000, None, None, None),
    ("BP", 3, 42000, 35000, None, None),
]


def load(apps, schema_editor):
    Segment = apps.get_model("participants", "Segment")
    ContributionRate = apps.get_model("participants", "ContributionRate")
    for code, name, payer in SEGMENTS:
        Segment.objects.update_or_create(code=code, defaults={"name": name, "payer": payer})
    for seg, cls, amount, part, pct, ceiling in RATES:
        ContributionRate.objects.update_or_create(
            segment_id=seg,
            care_class=cls,
            valid_from=FROM_2021,
            defaults={
                "monthly_amount": amount,
                "participant_amount": part,
                "salary_percent": pct,
                "salary_ceiling": ceiling,
                "regulation": PERPRES_64,
            },
        )


def unload(apps, schema_editor):
    apps.get_model("participants", "ContributionRate").objects.all().delete()
    apps.get_model("participants", "Segment").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("participants", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
