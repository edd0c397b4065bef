"""The first N participants (whole families) as JSON lines for the registry, with a small
fixed share of deliberate differences."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from .database import _db_params


@dataclass
class Export:
    participants: int
    families: int
    differences: dict[str, int]


def export_registry(database_url: str, limit: int, path: Path) -> Export:
    """The first `limit` live participants, whole families in family id order (as the sync
    plans its chunks), as registry JSON lines, with a fixed share of deliberate differences."""
    import psycopg2

    conn = psycopg2.connect(**_db_params(database_url))
    try:
        with conn.cursor(name="export") as cur:
            cur.itersize = 20000
            cur.execute(
                """
                SELECT m.family_id, f.number, f.address, f.district_id, m.relationship,
                       p.nik, p.name, p.birth_place, p.birth_date, p.sex
                FROM families_familymembership m
                JOIN participants_participant p ON p.id = m.participant_id
                JOIN families_familycard f ON f.id = m.family_id
                WHERE m.valid_to IS NULL AND p.retired_at IS NULL
                ORDER BY m.family_id, p.id
                """
            )
            families: list[dict] = []
            current: dict | None = None
            total = 0
            for fid, number, address, district, rel, nik, name, place, birth, sex in cur:
                if current is None or current["id"] != fid:
                    if total >= limit:
                        break
                    current = {
                        "id": fid,
                        "kk_number": number,
                        "address": address,
                        "district": district,
                        "members": [],
                    }
                    families.append(current)
                current["members"].append((rel, nik, name, place, birth, sex))
                total += 1
    finally:
        conn.close()

    counts = {k: 0 for k in ("case", "name", "birth", "unknown", "dead", "moved", "newborn")}
    index = 0
    with path.open("w", encoding="utf-8") as out:
        for fnum, fam in enumerate(families):
            listed = []
            for rel, nik, name, place, birth, sex in fam["members"]:
                index += 1
                if not nik:
                    continue
                person = {
                    "type": "person",
                    "nik": nik,
                    "name": name,
                    "birth_place": place or "-",
                    "birth_date": birth.isoformat(),
                    "sex": sex,
                    "address": fam["address"],
                    "date_of_death": None,
                }
                if index % 1000 == 13:
                    counts["unknown"] += 1
                    continue
                if index % 50 == 1:
                    person["name"], counts["case"] = name.upper(), counts["case"] + 1
                elif index % 200 == 7:
                    person["name"], counts["name"] = f"{name} Saputra", counts["name"] + 1
                elif index % 500 == 11:
                    person["birth_date"] = (birth + dt.timedelta(days=1)).isoformat()
                    counts["birth"] += 1
                elif index % 1000 == 17:
                    person["date_of_death"] = "2026-10-01"
                    counts["dead"] += 1
                out.write(json.dumps(person) + "\n")
                if index % 1000 == 19 and rel != "KEPALA":
                    counts["moved"] += 1
                    out.write(
                        json.dumps(
                            {
                                "type": "kk",
                                "kk_number": f"9{fam['kk_number'][1:10]}{index % 10**6:06d}",
                                "address": fam["address"],
                                "district_code": fam["district"],
                                "valid_from": "2026-10-01",
                                "members": [[nik, "KEPALA"]],
                            }
                        )
                        + "\n"
                    )
                    continue
                listed.append([nik, rel])
            if fnum % 500 == 250:
                baby = f"{fam['kk_number'][:6]}011126{5000 + fnum // 500:04d}"
                counts["newborn"] += 1
                out.write(
                    json.dumps(
                        {
                            "type": "person",
                            "nik": baby,
                            "name": "BAYI BARU",
                            "birth_place": "-",
                            "birth_date": "2026-11-01",
                            "sex": "L",
                            "address": fam["address"],
                            "date_of_death": None,
                        }
                    )
                    + "\n"
                )
                listed.append([baby, "ANAK"])
            out.write(
                json.dumps(
                    {
                        "type": "kk",
                        "kk_number": fam["kk_number"],
                        "address": fam["address"],
                        "district_code": fam["district"],
                        "valid_from": "2018-01-01",
                        "members": listed,
                    }
                )
                + "\n"
            )
    return Export(participants=total, families=len(families), differences=counts)
