"""One family or one person, synced now for someone waiting: a run of a single chunk."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import JobRun, User
from families.models import FamilyCard, FamilyMembership
from participants.models import Participant

from ...client import (
    RegistryClient,
    RegistryError,
)
from ...models import SyncChunk, SyncRun
from ..reconcile import (
    chunk_participant_ids,
)
from .chunks import (
    _chunk_give_up,
    _chunk_release,
    chunk_process,
    run_finish_if_complete,
)
from .common import RegistryUnavailableError, _job_name, interactive_client


def _single_chunk_run(
    *,
    kind: str,
    trigger: str,
    participant_ids: list[int],
    family_ids: list[int],
    family: FamilyCard | None,
    participant: Participant | None,
    actor: User | None,
    client: RegistryClient | None,
) -> SyncRun:
    token = uuid.uuid4().hex
    with transaction.atomic():
        job = JobRun.objects.create(name=_job_name(kind), total=len(participant_ids))
        run = SyncRun.objects.create(
            kind=kind,
            trigger=trigger,
            job_run=job,
            family=family,
            participant=participant,
            requested_by=actor if actor and actor.is_authenticated else None,
            chunk_size=len(participant_ids),
            total=len(participant_ids),
            chunks_total=1,
        )
        chunk = SyncChunk.objects.create(
            run=run,
            index=0,
            participant_ids=participant_ids,
            family_ids=family_ids,
            size=len(participant_ids),
            state=SyncChunk.State.CLAIMED,
            claim_token=token,
            claimed_at=timezone.now(),
            attempts=1,
        )
    own_client = client is None
    client = client or interactive_client()
    try:
        chunk_process(run=run, chunk=chunk, token=token, client=client)
    except RegistryError as exc:
        _chunk_release(chunk=chunk, token=token, error=str(exc))
        _chunk_give_up(run=run, chunk=chunk, error=str(exc))
        run_finish_if_complete(run=run)
        raise RegistryUnavailableError(
            _("Dukcapil cannot be reached right now. Nothing was changed; try again later.")
        ) from exc
    finally:
        if own_client:
            client.close()
    run_finish_if_complete(run=run)
    run.refresh_from_db()
    return run


def family_sync(
    *,
    family: FamilyCard,
    trigger: str,
    actor: User | None = None,
    client: RegistryClient | None = None,
) -> SyncRun:
    """Compare one family (every current member and the KK's member list) now."""
    ids = chunk_participant_ids(participant_ids=[], family_ids=[family.pk])
    return _single_chunk_run(
        kind=SyncRun.Kind.FAMILY,
        trigger=trigger,
        participant_ids=ids,
        family_ids=[family.pk],
        family=family,
        participant=None,
        actor=actor,
        client=client,
    )


def participant_sync(
    *,
    participant: Participant,
    trigger: str = SyncRun.Trigger.REGISTRATION,
    actor: User | None = None,
    client: RegistryClient | None = None,
) -> SyncRun:
    """Compare one person (at registration). A newborn without NIK is found through the
    family's KK, so that case syncs the family."""
    if not participant.nik:
        membership = (
            FamilyMembership.objects.filter(participant=participant, valid_to__isnull=True)
            .select_related("family")
            .first()
        )
        if membership is not None:
            return family_sync(
                family=membership.family, trigger=trigger, actor=actor, client=client
            )
    return _single_chunk_run(
        kind=SyncRun.Kind.PERSON,
        trigger=trigger,
        participant_ids=[participant.pk],
        family_ids=[],
        family=None,
        participant=participant,
        actor=actor,
        client=client,
    )
