"""complaints' part of the demo (demos only, never production): the branch offices' contact
details for the Bantuan page, a branch head for the report, and complaints of the demo
family in every status, written through complaints.services. Idempotent: each demo
complaint carries a fixed client key and is filed once."""

from collections.abc import Callable
from datetime import date, datetime, time, timedelta

from django.contrib.auth.models import Group
from django.utils import timezone

from complaints.models import BRANCH_HEAD_GROUP_NAME, Complaint
from complaints.services import (
    complaint_file,
    complaint_mark_done,
    complaint_reply_as_branch,
    complaint_reply_as_participant,
)
from core.models import STAFF_GROUP_NAME, BranchOffice, User
from participants.models import Participant

from ..identities import HEAD_NIK
from .core import demo_user

# Public addresses of the two BPJS Kesehatan branch offices the demo uses.
BRANCH_CONTACTS = {
    "KC0901": (
        "Jl. Raya Pasar Minggu No. 9, Pancoran, Jakarta Selatan 12780",
        "(021) 7986024",
        "Senin-Jumat 08.00-15.00 WIB",
    ),
    "KC1001": (
        "Jl. Pangrango No. 8, Babakan, Bogor Tengah, Kota Bogor 16128",
        "(0251) 8313111",
        "Senin-Jumat 08.00-15.00 WIB",
    ),
}


def seed_demo_complaints(*, today: date, log: Callable[[str], None]) -> None:
    for code, (address, phone, hours) in BRANCH_CONTACTS.items():
        BranchOffice.objects.filter(code=code, address="").update(
            address=address, phone=phone, opening_hours=hours
        )
    branch = BranchOffice.objects.filter(code="KC0901").first()
    if branch is None:
        return
    head = demo_user("kepala_jaksel", role=User.Role.STAFF, branch=branch, is_staff=True)
    head.groups.add(*Group.objects.filter(name__in=[STAFF_GROUP_NAME, BRANCH_HEAD_GROUP_NAME]))
    staff = User.objects.filter(username="staff_jaksel").first()
    main = Participant.objects.filter(nik=HEAD_NIK).select_related("user").first()
    if staff is None or main is None or main.user is None:
        return
    if Complaint.objects.filter(filed_by=main.user, client_key__startswith="demo-").exists():
        log("complaints: demo complaints exist")
        return
    family_members = {
        p.name: p
        for p in Participant.objects.filter(
            memberships__family__memberships__participant=main, memberships__valid_to__isnull=True
        )
    }
    now = timezone.make_aware(datetime.combine(today, time(9)))
    user = main.user

    def filed(key: str, member: str, days_ago: int, **kwargs: object) -> Complaint:
        return complaint_file(
            filed_by=user,
            member=family_members.get(member, main),
            client_key=f"demo-{key}",
            now=now - timedelta(days=days_ago),
            **kwargs,  # type: ignore[arg-type]
        )

    filed(
        "hold",
        "Dewi Lestari",
        1,
        category="KELUHAN",
        topic="STATUS_MISMATCH",
        subject="Status kepesertaan tidak sesuai",
        text="Status Dewi Lestari tertulis PENANGGUHAN karena nama berbeda dengan Dukcapil. "
        "Nama di KK kami sudah DEWI LESTARI SANTOSO.",
        resync_requested=True,
    )
    # The branch's answer lies 63 hours or more before any moment of today (Jakarta), so
    # outside the bell's 48-hour look-back whatever the time of day: the demo's bell (and the
    # notification tests built on it) says the same at 03:00 and at 15:00.
    handled = filed(
        "fktp",
        "Budi Santoso",
        4,
        category="INFORMASI",
        subject="Cara pindah FKTP",
        text="Saya pindah domisili ke Pancoran. Bagaimana cara pindah FKTP untuk seluruh keluarga?",
    )
    complaint_reply_as_branch(
        complaint=handled,
        actor=staff,
        text="Pindah FKTP dapat dilakukan setelah 3 bulan di FKTP sekarang, berlaku tanggal 1 "
        "bulan berikutnya, lewat menu Ubah Data. Mohon konfirmasi alamat domisili baru Bapak.",
        now=now - timedelta(days=3),
    )
    complaint_reply_as_participant(
        complaint=handled,
        actor=user,
        text="Alamat baru: Jl. Pengadegan Timur No. 5, Pancoran.",
        now=now - timedelta(days=1, hours=20),
    )
    done = filed(
        "va",
        "Siti Rahayu",
        20,
        category="KELUHAN",
        subject="Pembayaran belum tercatat",
        text="Saya sudah membayar iuran lewat VA, tetapi status masih menunggu.",
    )
    complaint_reply_as_branch(
        complaint=done,
        actor=staff,
        text="Pembayaran sudah kami terima dan tercatat; status sudah AKTIF.",
        now=now - timedelta(days=19),
    )
    complaint_mark_done(complaint=done, actor=user, now=now - timedelta(days=18))
    log("complaints: 3 demo complaints (OPEN, PENANGANAN, SELESAI), head kepala_jaksel")
