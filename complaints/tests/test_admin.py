"""The staff queue in the admin: scope by branch, oldest first, filters, answering, the
family's re-sync, the member's status beside the complaint, and the branch head's report."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..models import Complaint, ComplaintStatus
from ..report import complaint_report
from ..services import (
    complaint_mark_done,
    complaint_reply_as_branch,
    complaints_autoclose,
)
from .conftest import FILED_AT, PNG, file_complaint, head_of, staff_of

pytestmark = pytest.mark.django_db

QUEUE = "/admin/complaints/complaint/"


def test_queue_shows_only_the_branch_oldest_first(client, family_a, family_b, staff_a):
    newer = file_complaint(family_a, subject="Kedua", now=FILED_AT + timedelta(hours=2))
    older = file_complaint(family_a, subject="Pertama", now=FILED_AT)
    other = file_complaint(family_b, subject="Cabang lain")
    client.force_login(staff_a)
    response = client.get(QUEUE)
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows == [older, newer]
    assert other not in rows
    assert client.get(f"{QUEUE}{other.pk}/change/").status_code == 404


def test_age_and_waiting_filters(client, family_a, staff_a, django_capture_on_commit_callbacks):
    now = timezone.now()
    fresh = file_complaint(family_a, now=now - timedelta(hours=2))
    old = file_complaint(family_a, now=now - timedelta(days=4))
    handled = file_complaint(family_a, now=now - timedelta(days=6))
    complaint_reply_as_branch(complaint=handled, actor=staff_a, text="Dicek.")
    client.force_login(staff_a)

    def ids(query):
        return [c.pk for c in client.get(f"{QUEUE}?{query}").context["cl"].result_list]

    assert ids("age=0-1") == [fresh.pk]
    assert ids("age=3-5") == [old.pk]
    assert ids("age=5%2B") == [handled.pk]
    assert ids("status__exact=OPEN") == [old.pk, fresh.pk]
    assert ids("waiting=branch") == [old.pk, fresh.pk]
    assert ids("waiting=participant") == [handled.pk]


def test_staff_answer_from_the_complaint_page(client, family_a, staff_a):
    complaint = file_complaint(family_a)
    client.force_login(staff_a)
    page = client.get(f"{QUEUE}{complaint.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    member = complaint.participant
    assert member.name in html
    assert 'data-testid="participant-status"' in html
    assert member.nik not in html  # masked beside the complaint

    response = client.post(f"{QUEUE}{complaint.pk}/change/", {"text": "Silakan kirim KK."})
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.PENANGANAN
    assert complaint.replies.get().author == staff_a


def test_an_empty_answer_changes_nothing(client, family_a, staff_a):
    complaint = file_complaint(family_a)
    client.force_login(staff_a)
    response = client.post(f"{QUEUE}{complaint.pk}/change/", {"text": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"text": ["Bidang ini harus diisi."]}
    complaint.refresh_from_db()
    assert (complaint.status, complaint.replies.count()) == (ComplaintStatus.OPEN, 0)


def test_staff_of_another_branch_cannot_answer_or_download(client, family_a, family_b):
    complaint = file_complaint(family_a, attachment=SimpleUploadedFile("kk.png", PNG, "image/png"))
    client.force_login(staff_of(family_b[0]))
    assert client.post(f"{QUEUE}{complaint.pk}/change/", {"text": "x"}).status_code == 404
    assert client.get(f"{QUEUE}{complaint.pk}/attachment/").status_code == 404
    complaint.refresh_from_db()
    assert (complaint.status, complaint.replies.count()) == (ComplaintStatus.OPEN, 0)


def test_staff_download_the_attachment(client, family_a, staff_a):
    complaint = file_complaint(family_a, attachment=SimpleUploadedFile("kk.png", PNG, "image/png"))
    client.force_login(staff_a)
    response = client.get(f"{QUEUE}{complaint.pk}/attachment/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_staff_trigger_the_family_resync(
    client, family_a, staff_a, queued_family_syncs, django_capture_on_commit_callbacks
):
    family, _head = family_a
    complaint = file_complaint(family_a, resync_requested=True)
    sent = queued_family_syncs
    client.force_login(staff_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{QUEUE}{complaint.pk}/change/", {"resync": "1"})
    assert sent == [(family.pk, staff_a.pk)]
    complaint.refresh_from_db()
    assert complaint.resync_triggered_at is not None


def test_staff_cannot_add_or_delete_complaints(client, family_a, staff_a):
    complaint = file_complaint(family_a)
    client.force_login(staff_a)
    assert client.get(f"{QUEUE}add/").status_code == 403
    assert client.post(f"{QUEUE}{complaint.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Complaint.objects.filter(pk=complaint.pk).exists()


# --- the branch head's report -------------------------------------------------------------


@pytest.fixture
def period(family_a, family_b, staff_a):
    """Five complaints in November in branch A (and one in branch B that must not count)."""
    family, head = family_a
    day = FILED_AT  # 2 Nov 2026 09:00
    # Answered after 2 h, then marked done.
    done = file_complaint(family_a, now=day)
    complaint_reply_as_branch(complaint=done, actor=staff_a, text="a", now=day + timedelta(hours=2))
    complaint_mark_done(complaint=done, actor=head.user, now=day + timedelta(days=1))
    # Answered after 4 h, then no reply: closed by the job.
    closed = file_complaint(family_a, now=day, category="INFORMASI")
    complaint_reply_as_branch(
        complaint=closed, actor=staff_a, text="b", now=day + timedelta(hours=4)
    )
    complaints_autoclose(now=day + timedelta(days=6))
    # Answered after 10 h, still being handled.
    handled = file_complaint(family_a, now=day)
    complaint_reply_as_branch(
        complaint=handled, actor=staff_a, text="c", now=day + timedelta(hours=10)
    )
    complaint_reply_as_participant_now(handled, head, day + timedelta(hours=11))
    # Not answered yet.
    file_complaint(family_a, now=day + timedelta(days=3))
    # Outside the period (October).
    file_complaint(family_a, now=day - timedelta(days=10))
    # Another branch.
    file_complaint(family_b, now=day)


def complaint_reply_as_participant_now(complaint, head, at):
    from ..services import complaint_reply_as_participant

    complaint_reply_as_participant(complaint=complaint, actor=head.user, text="ok", now=at)


def test_report_figures_by_hand(period, family_a):
    complaints = Complaint.objects.filter(branch=family_a[0].branch)
    report = complaint_report(
        complaints=complaints, date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)
    )
    keluhan, informasi = report.rows
    assert keluhan.counts == {"OPEN": 1, "PENANGANAN": 1, "SELESAI": 1, "CLOSED": 0}
    assert informasi.counts == {"OPEN": 0, "PENANGANAN": 0, "SELESAI": 0, "CLOSED": 1}
    assert report.total == 4
    assert report.answered == 3
    assert report.median_first_reply_hours == 4.0  # of 2, 4 and 10 hours
    assert (report.finished, report.closed_without_reply) == (2, 1)
    assert report.closed_without_reply_share == 50.0


def test_report_page_with_chart_and_csv_for_the_branch_head(client, period, family_a):
    client.force_login(head_of(family_a[0]))
    url = "/admin/complaints/complaint/report/?date_from=2026-11-01&date_to=2026-11-30"
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="chart"' in html
    assert '<strong data-testid="total">4</strong>' in html
    assert 'data-testid="median">4,0 jam<' in html
    assert 'data-testid="closed-share">50,0%<' in html

    exported = client.get(url + "&format=csv")
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0] == ["category", "OPEN", "PENANGANAN", "SELESAI", "CLOSED", "total"]
    assert rows[1] == ["KELUHAN", "1", "1", "1", "0", "3"]
    assert rows[2] == ["INFORMASI", "0", "0", "0", "1", "1"]
    assert rows[3] == ["TOTAL", "1", "1", "1", "1", "4"]
    assert ["median_hours_to_first_reply", "4.0"] in rows
    assert ["closed_without_participant_reply_percent", "50.0"] in rows


def test_report_refuses_a_backwards_period(client, family_a):
    client.force_login(head_of(family_a[0]))
    page = client.get("/admin/complaints/complaint/report/?date_from=2026-11-30&date_to=2026-11-01")
    assert page.status_code == 400
    assert page.context["form"].errors == {"date_to": ["Akhir periode sebelum awalnya."]}


def test_report_is_for_the_branch_head_only(client, family_a, staff_a):
    client.force_login(staff_a)
    assert client.get("/admin/complaints/complaint/report/").status_code == 404


def test_a_branch_heads_report_counts_only_their_branch(client, period, family_b):
    client.force_login(head_of(family_b[0]))
    url = "/admin/complaints/complaint/report/?date_from=2026-11-01&date_to=2026-11-30"
    html = client.get(url).content.decode()
    assert '<strong data-testid="total">1</strong>' in html
    rows = client.get(url + "&format=csv").content.decode().splitlines()
    assert rows[3] == "TOTAL,1,0,0,0,1"
