"""Info Peserta action of the sync: "Sinkronkan data keluarga". Scope: the logged-in
participant's own family only. A member Dukcapil lists on the KK is offered on the panel and
registered through Tambah anggota keluarga (registrations), the one way with one set of rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.auth import signed_in_user
from core.errors import DomainError

from .api.views import FamilySyncThrottle
from .models import SyncRun
from .selectors import family_of_participant_user
from .services import family_sync


def sync_result_message(run: SyncRun) -> str:
    """Every difference found is accounted for: those corrected automatically are said so,
    not left for the participant to wonder where the others went."""
    needs_action = run.differences - run.applied
    parts = [_("Synced with Dukcapil: %(n)d new differences found.") % {"n": run.differences}]
    if run.applied:
        parts.append(
            _("%(n)d corrected automatically (letter case or spaces in a name).")
            % {"n": run.applied}
        )
    if needs_action:
        parts.append(
            _("%(n)d need attention: each member's status below shows what to do.")
            % {"n": needs_action}
        )
    return " ".join(parts)


@login_required
@require_POST
def family_sync_request(request: HttpRequest) -> HttpResponse:
    family = family_of_participant_user(user=signed_in_user(request))
    if family is None:
        raise Http404
    throttle = FamilySyncThrottle()
    if not throttle.allow_request(request, None):  # type: ignore[arg-type]
        minutes = max(1, int((throttle.wait() or 60) // 60))
        # Failed attempts count too: never claim that a sync happened.
        messages.warning(
            request,
            _(
                "This family's data was requested from Dukcapil several times in the last hour. "
                "Try again in %(m)d minutes."
            )
            % {"m": minutes},
        )
        return redirect("families:family")
    try:
        run = family_sync(
            family=family, trigger=SyncRun.Trigger.PARTICIPANT, actor=signed_in_user(request)
        )
    except DomainError as error:
        messages.error(request, str(error.message))
        return redirect("families:family")
    if run.differences:
        messages.info(request, sync_result_message(run))
    else:
        messages.success(request, _("Synced with Dukcapil: no new differences."))
    return redirect("families:family")
