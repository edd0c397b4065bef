"""Every write of Ubah Data Peserta: requests (rules checked, code sent), confirmation
(proof checked, applied now or scheduled), cancellation, the periodic job, staff reversal and
FKTP capacity."""

from .apply import change_reverse, scheduled_changes_apply
from .common import ChangeRefused, Requested
from .confirm import change_cancel, change_confirm, facility_capacity_set
from .personal import change_request_address, change_request_contact, change_request_newborn_nik
from .requests import change_request_class, change_request_fktp, change_request_segment

__all__ = [
    "ChangeRefused",
    "Requested",
    "change_cancel",
    "change_confirm",
    "change_request_address",
    "change_request_class",
    "change_request_contact",
    "change_request_fktp",
    "change_request_newborn_nik",
    "change_request_segment",
    "change_reverse",
    "facility_capacity_set",
    "scheduled_changes_apply",
]
