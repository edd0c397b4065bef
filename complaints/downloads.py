"""Serving a complaint's attachment to someone the caller's view already found allowed."""

from django.http import FileResponse

from .models import Complaint


def attachment_response(complaint: Complaint) -> FileResponse:
    response = FileResponse(
        complaint.attachment.open("rb"),
        # Downloaded, never rendered by the portal's origin.
        as_attachment=True,
        filename=complaint.attachment_name,
        content_type=complaint.attachment_type,
    )
    # Personal documents: never cached by a shared proxy, never sniffed into something else.
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response
