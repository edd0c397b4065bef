"""A new installation gets its branch offices, FKTP, participants and staff without
`manage.py shell`: CSV imports (validated as a whole, idempotent, with progress), a command
for staff accounts, and admin pages where a superuser adds branches and FKTP."""

from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from core.models import STAFF_GROUP_NAME, BranchOffice, User
from core.nik import make_nik
from families.models import FamilyCard, FamilyMembership
from participants.models import Facility, Participant

pytestmark = pytest.mark.django_db

BRANCHES = "code,name,regency_code\nKC0901,KC Jakarta Selatan,3174\nKC1001,KC Bogor,3201\n"
FACILITIES = (
    "code,name,kind,district_code,branch_code\n"
    "0901P001,Puskesmas Kecamatan Tebet,PUSKESMAS,317401,KC0901\n"
    "1001K001,Klinik Pratama Medika Sukaraja,KLINIK,320104,KC1001\n"
)
HEAD = make_nik(district_code="317401", birth_date=date(1980, 1, 1), is_female=False, serial=1)
SPOUSE = make_nik(district_code="317401", birth_date=date(1983, 3, 15), is_female=True, serial=1)
COLUMNS = (
    "kk_number,kk_address,branch_code,nik,name,birth_place,birth_date,sex,relationship,"
    "segment,care_class,fktp_code,coverage_start,paid_through\n"
)
PARTICIPANTS = (
    COLUMNS
    + f"3174011503100001,Jl. Tebet Barat 14,KC0901,{HEAD},Budi Santoso,Jakarta,1980-01-01,L,"
    "KEPALA,PBPU,2,0901P001,2018-01-01,2026-11\n"
    + f"3174011503100001,Jl. Tebet Barat 14,KC0901,{SPOUSE},Siti Rahayu,Jakarta,1983-03-15,P,"
    "PASANGAN,PBPU,2,0901P001,2018-01-01,2026-11\n"
)


def run(command: str, tmp_path: Path, text: str) -> str:
    path = tmp_path / f"{command}.csv"
    path.write_text(text, encoding="utf-8")
    out = StringIO()
    call_command(command, str(path), stdout=out, stderr=out)
    return out.getvalue()


def test_branches_facilities_and_families_import_then_a_second_run_changes_nothing(tmp_path):
    assert "branch offices: 2 created, 0 already there" in run(
        "import_branches", tmp_path, BRANCHES
    )
    assert "FKTP: 2 created" in run("import_facilities", tmp_path, FACILITIES)
    out = run("import_participants", tmp_path, PARTICIPANTS)
    assert "families: 1/1" in out  # progress
    assert "participants: 2 created, 0 already there" in out

    family = FamilyCard.objects.get(number="3174011503100001")
    assert family.branch.code == "KC0901"
    members = FamilyMembership.objects.filter(family=family).select_related("participant")
    assert {(m.participant.nik, m.relationship, m.is_main) for m in members} == {
        (HEAD, "KEPALA", True),
        (SPOUSE, "PASANGAN", False),
    }
    budi = Participant.objects.get(nik=HEAD)
    assert (budi.segment_id, budi.care_class, budi.fktp.code) == ("PBPU", 2, "0901P001")
    assert len(budi.card_number) == 13

    again = run("import_participants", tmp_path, PARTICIPANTS)
    assert "participants: 0 created, 2 already there" in again
    assert "branch offices: 0 created, 2 already there" in run(
        "import_branches", tmp_path, BRANCHES
    )
    assert Participant.objects.count() == 2
    assert FamilyMembership.objects.count() == 2


def test_a_file_with_bad_rows_names_every_line_and_writes_nothing(tmp_path):
    run("import_branches", tmp_path, BRANCHES)
    run("import_facilities", tmp_path, FACILITIES)
    bad = (
        PARTICIPANTS + "3174011503100002,Jl. X,KC0901,3174010101800002,Andi,Jakarta,1980-02-30,L,"
        "KEPALA,PBPU,2,0901P001,2018-01-01,\n"
        + "3174011503100003,Jl. Y,KC0901,3174015501850001,Rina,Jakarta,1985-01-15,L,"
        "KEPALA,XX,4,NOPE,2018-01-01,\n"
    )
    path = tmp_path / "bad.csv"
    path.write_text(bad)
    err = StringIO()
    with pytest.raises(CommandError, match="2 rows are invalid; nothing was imported"):
        call_command("import_participants", str(path), stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert lines[0] == "line 4: birth_date '1980-02-30' is not a date YYYY-MM-DD"
    assert lines[1].startswith("line 5: nik: ")
    assert "segment 'XX' is unknown" in lines[1]
    assert "care_class must be 1, 2 or 3" in lines[1]
    assert "fktp_code 'NOPE' is not an FKTP (import it first)" in lines[1]
    assert Participant.objects.count() == 0
    assert FamilyCard.objects.count() == 0


def test_an_existing_branch_with_other_values_is_an_error_not_an_overwrite(tmp_path):
    run("import_branches", tmp_path, BRANCHES)
    path = tmp_path / "renamed.csv"
    path.write_text("code,name,regency_code\nKC0901,KC Jaksel Baru,3174\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("import_branches", str(path), stdout=StringIO(), stderr=err)
    assert err.getvalue().strip() == "line 2: branch KC0901 exists with other values"
    assert BranchOffice.objects.get(code="KC0901").name == "KC Jakarta Selatan"


def test_create_staff_gives_role_branch_and_group_and_is_idempotent(tmp_path):
    run("import_branches", tmp_path, BRANCHES)
    out = StringIO()
    call_command("create_staff", "petugas_tebet", "--branch", "KC0901", stdout=out)
    user = User.objects.get(username="petugas_tebet")
    assert (user.role, user.branch.code, user.is_staff, user.is_superuser) == (
        "STAFF",
        "KC0901",
        True,
        False,
    )
    assert list(user.groups.values_list("name", flat=True)) == [STAFF_GROUP_NAME]
    password = out.getvalue().split("first login): ")[1].strip()
    assert user.check_password(password)

    again = StringIO()
    call_command("create_staff", "petugas_tebet", "--branch", "KC0901", stdout=again)
    assert (
        again.getvalue().strip() == "petugas_tebet: already staff of KC Jakarta Selatan, unchanged"
    )
    user.refresh_from_db()
    assert user.check_password(password)
    with pytest.raises(CommandError, match="Tidak ada kantor cabang dengan kode KC9999"):
        call_command("create_staff", "x", "--branch", "KC9999", stdout=StringIO())
    assert Group.objects.get(name=STAFF_GROUP_NAME).user_set.count() == 1


def test_a_superuser_adds_a_branch_and_an_fktp_in_the_admin_and_staff_cannot(tmp_path):
    run("import_branches", tmp_path, BRANCHES)
    admin = User.objects.create_superuser("root", password="Jkn-demo-2026", role="ADMIN")
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/core/branchoffice/add/",
        {"code": "KC0501", "name": "KC Bandung", "regency": "3273"},
    )
    assert response.status_code == 302, response.content[:2000]
    branch = BranchOffice.objects.get(code="KC0501")
    response = client.post(
        "/admin/participants/facility/add/",
        {
            "code": "0501P001",
            "name": "Puskesmas Sukajadi",
            "kind": "PUSKESMAS",
            "district": "327301",
            "branch": branch.pk,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert Facility.objects.get(code="0501P001").branch == branch

    staff = User.objects.create_user(
        "staff", password="x", role="STAFF", branch=branch, is_staff=True
    )
    staff.groups.add(Group.objects.get(name=STAFF_GROUP_NAME))
    client.force_login(staff)
    response = client.post(
        "/admin/core/branchoffice/add/", {"code": "KC0502", "name": "X", "regency": "3273"}
    )
    assert response.status_code == 403
    assert not BranchOffice.objects.filter(code="KC0502").exists()


def test_a_superuser_imports_in_the_admin_and_sees_every_bad_line(tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = User.objects.create_superuser("root", password="Jkn-demo-2026", role="ADMIN")
    client = Client()
    client.force_login(admin)

    def upload(kind: str, text: str):
        return client.post(
            "/admin/imports/",
            {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", text.encode())},
        )

    bad = upload("branches", BRANCHES + "KC0000,,9999\n")
    assert bad.status_code == 200
    page = bad.content.decode()
    assert (
        "line 4: name is empty; regency_code &#x27;9999&#x27; is not a Kemendagri regency" in page
    )
    assert BranchOffice.objects.count() == 0

    good = upload("branches", BRANCHES)
    assert (good.status_code, good["Location"]) == (302, "/admin/imports/")
    assert upload("facilities", FACILITIES).status_code == 302
    assert upload("participants", PARTICIPANTS).status_code == 302
    assert Participant.objects.count() == 2
    page = client.get("/admin/imports/").content.decode()
    # The admin speaks Indonesian first.
    assert "Peserta beserta kartu keluarganya: 2 dibuat, 0 sudah ada." in page

    staff = User.objects.create_user(
        "staff", password="x", role="STAFF", branch=BranchOffice.objects.first(), is_staff=True
    )
    client.force_login(staff)
    assert upload("branches", BRANCHES).status_code == 403
