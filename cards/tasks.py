"""Thin Celery tasks over cards.services (ids in)."""

from celery import shared_task
from django.utils import timezone

from families.selectors import family_view_for_participant
from participants.models import Participant

from .services import card_email_send


@shared_task(name="cards.tasks.send_card_email", soft_time_limit=100, time_limit=120)
def send_card_email(participant_id: int, viewer_id: int) -> bool:
    """The card of `participant_id` to the e-mail of `viewer_id`, if both are still in one
    family (a member who left meanwhile is not sent)."""
    viewer = Participant.objects.filter(pk=viewer_id, retired_at__isnull=True).first()
    if viewer is None or not viewer.email:
        return False
    view = family_view_for_participant(participant=viewer, on=timezone.localdate())
    member = (
        next((m for m in view.members if m.participant.pk == participant_id), None)
        if view
        else None
    )
    if member is None:
        return False
    card_email_send(member=member, viewer=viewer)
    return True
