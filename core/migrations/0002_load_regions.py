"""Load Kemendagri regions (provinces, regencies/cities, districts) shipped in core/data/."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "regions_kemendagri_2025.csv"


def load_regions(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    rows = []
    with CSV_PATH.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            parts = row["code"].split(".")
            code = "".join(parts)
            parent = "".join(parts[:-1]) or None
            rows.append(
                Region(code=code, level=int(row["level"]), name=row["name"], parent_id=parent)
            )
    # Parents come before children in the file (sorted by code), but insert by level anyway
    # so the foreign key holds on databases that check it immediately.
    for level in (1, 2, 3):
        Region.objects.bulk_create([r for r in rows if r.level == level], batch_size=2000)


def unload_regions(apps, schema_editor):
    apps.get_model("core", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(load_regions, unload_regions)]
