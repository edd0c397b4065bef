"""Tagihan (bills), Riwayat Pembayaran (payment history), the denda pelayanan calculator and,
on the embedded default, "Bayar (simulasi)"."""

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.auth import signed_in_user
from core.errors import DomainError
from core.formatting import rupiah
from core.models import User
from core.validators import RupiahField, validate_service_date
from families.models import FamilyCard
from families.selectors import FamilyView, family_view_for_participant, participant_of_user
from participants.models import Participant

from .models import Bill
from .selectors import (
    bill_statement,
    denda_quote,
    family_bills,
    family_of_participant,
    family_payments,
)
from .services import family_bills_prepare, payment_simulate


class DendaForm(forms.Form):
    inacbg_cost = RupiahField(
        label=gettext_lazy("Estimated INA-CBG cost of the stay (Rp)"),
        min_value=0,
        max_value=100_000_000_000,
        # A text box with the numeric keyboard on phones; "10.000.000" as the page writes it.
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    card_number = forms.ChoiceField(label=gettext_lazy("Member"))
    admission_date = forms.DateField(
        label=gettext_lazy("Admission date"),
        required=False,
        validators=[validate_service_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )


def _family_for(request: HttpRequest) -> tuple[Participant, FamilyCard]:
    user = request.user
    participant = participant_of_user(user=user) if isinstance(user, User) else None
    family = family_of_participant(participant=participant) if participant else None
    if participant is None or family is None:
        raise Http404
    # Bills first: a month the billing job has not reached yet still shows up.
    family_bills_prepare(family=family, on=timezone.localdate())
    return participant, family


def _family_view(participant: Participant) -> FamilyView:
    view = family_view_for_participant(participant=participant, on=timezone.localdate())
    if view is None:
        raise Http404
    return view


@login_required
def bills(request: HttpRequest) -> HttpResponse:
    participant, family = _family_for(request)
    # The statement (is a reactivation pending?) is read before the members' status: if the
    # worker finishes in between, the page shows "pending" and refreshes once more, rather
    # than old statuses without refreshing.
    statement = bill_statement(family=family, on=timezone.localdate())
    view = _family_view(participant)
    members = [(m.participant.card_number, m.participant.name) for m in view.members]
    form = DendaForm(request.GET or None, initial={"card_number": view.viewer.card_number})
    cast(forms.ChoiceField, form.fields["card_number"]).choices = members
    quote = None
    if form.is_bound and form.is_valid():
        chosen = next(
            m.participant
            for m in view.members
            if m.participant.card_number == form.cleaned_data["card_number"]
        )
        quote = denda_quote(
            participant=chosen,
            inacbg_cost=form.cleaned_data["inacbg_cost"],
            on=view.on,
            admission_date=form.cleaned_data["admission_date"],
        )
    return render(
        request,
        "payments/bills.html",
        {
            "view": view,
            "statement": statement,
            "form": form,
            "quote": quote,
            "simulation": settings.PAYMENT_SIMULATION,
            "Payer": Bill.Payer,
        },
    )


@login_required
@require_POST
def simulate_payment(request: HttpRequest) -> HttpResponse:
    """Pays what the bill page shows as remaining, through the signed notification path."""
    _participant, family = _family_for(request)
    statement = bill_statement(family=family, on=timezone.localdate())
    try:
        payment = payment_simulate(
            family=family,
            actor=signed_in_user(request),
            amount=statement.remaining,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Payment of %(amount)s received (simulation, transaction %(tx)s).")
            % {"amount": rupiah(payment.amount), "tx": payment.transaction_id},
        )
    return redirect("payments:bills")


@login_required
def history(request: HttpRequest) -> HttpResponse:
    participant, family = _family_for(request)
    view = _family_view(participant)
    payments = list(family_payments(family=family)[:200])
    settled = list(
        family_bills(family=family).exclude(state=Bill.State.OPEN).exclude(settled_at=None)[:200]
    )
    return render(
        request,
        "payments/history.html",
        {"view": view, "payments": payments, "settled": settled},
    )
