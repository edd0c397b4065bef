"""changes' part of the demo: one FKTP marked full by its branch, so the FKTP list shows that
a full facility is not offered (Ubah Data, README)."""

from changes.models import FacilityCapacity
from participants.models import Facility

FULL_FKTP = "0901P004"  # Puskesmas Kecamatan Pasar Minggu


def seed_facility_capacity() -> int:
    facility = Facility.objects.filter(code=FULL_FKTP).first()
    if facility is None:
        return 0
    FacilityCapacity.objects.update_or_create(
        facility=facility,
        defaults={"is_full": True, "note": "Kuota peserta terpenuhi (demo)"},
    )
    return 1
