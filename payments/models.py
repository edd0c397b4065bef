"""Bills, payment channels, payments, the notification inbox and the reactivation log.

Money is whole rupiah (iuran have no cents). What the database guarantees, whatever path
writes: one bill per family and month, one payment per channel transaction, a bill never paid
beyond its amount, a payment never allocated beyond its amount.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from families.models import FamilyCard
from participants.models import Participant, Segment


class Bill(models.Model):
    """What one paying unit owes for one month: a family's PBPU/BP members, a PPU worker and
    family (paid by the employer), or its PBI members (paid by the state, settled when it is
    created). Each member is on the bill of their own segment's payer."""

    class Payer(models.TextChoices):
        FAMILY = "FAMILY", _("the family")
        EMPLOYER = "EMPLOYER", _("the employer")
        STATE = "STATE", _("the government")

    class State(models.TextChoices):
        OPEN = "OPEN", _("unpaid")
        PAID = "PAID", _("paid in full")
        # Arrears beyond 24 months are not charged (Perpres 64/2020 Pasal 42(3)).
        WAIVED = "WAIVED", _("not charged")

    # Indexed by the unique (family, month, payer) key: no separate index per insert.
    family = models.ForeignKey(
        FamilyCard,
        on_delete=models.PROTECT,
        related_name="bills",
        verbose_name=_("family"),
        db_index=False,
    )
    month = models.DateField(_("month"))
    payer = models.CharField(_("payer"), max_length=8, choices=Payer.choices)
    segment = models.ForeignKey(
        Segment, on_delete=models.PROTECT, verbose_name=_("segment"), db_index=False
    )
    # What the payer owes for the whole family this month.
    amount = models.PositiveIntegerField(_("amount"))
    # PBPU/BP class III: the part of Rp42.000 per member that the government pays.
    state_subsidy = models.PositiveIntegerField(_("government subsidy"), default=0)
    # PPU: 4% employer, 1% worker (plus 1% per extra family member, paid by the worker).
    employer_share = models.PositiveIntegerField(_("employer share"), default=0)
    worker_share = models.PositiveIntegerField(_("worker share"), default=0)
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=6, choices=State.choices, default=State.OPEN)
    paid_amount = models.PositiveIntegerField(_("paid"), default=0)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        "Reactivation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bills",
        verbose_name=_("settled by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["family_id", "-month"]
        verbose_name = _("bill")
        verbose_name_plural = _("bills")
        constraints = [
            # One bill per paying unit and month: every member is billed by their own segment,
            # so a family can have the family's, the employer's and the state's (DESIGN 4.3).
            models.UniqueConstraint(
                fields=["family", "month", "payer"], name="one_bill_per_family_month_payer"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="bill_month_is_first_day"),
            models.CheckConstraint(
                condition=Q(paid_amount__lte=F("amount")), name="bill_not_paid_beyond_amount"
            ),
            models.CheckConstraint(
                condition=~Q(state="PAID") | Q(paid_amount=F("amount")),
                name="paid_bill_is_paid_in_full",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["OPEN", "PAID", "WAIVED"]), name="bill_state_known"
            ),
        ]
        indexes = [models.Index(fields=["month", "state"], name="bill_month_state_idx")]

    def __str__(self) -> str:
        return f"{self.family_id} {self.month:%Y-%m} {self.amount} {self.state}"

    @property
    def remaining(self) -> int:
        return 0 if self.state != self.State.OPEN else self.amount - self.paid_amount


class BillLine(models.Model):
    """One member's part of a bill, so a bill shows the amount per member and per family."""

    class Kind(models.TextChoices):
        MEMBER = "MEMBER", _("member")
        # PPU: the worker's 5% covers up to 5 people; each further member costs 1%.
        EXTRA_MEMBER = "EXTRA", _("extra family member (1%)")

    # Indexed by the unique (bill, participant) key.
    bill = models.ForeignKey(Bill, on_delete=models.CASCADE, related_name="lines", db_index=False)
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="bill_lines"
    )
    kind = models.CharField(max_length=6, choices=Kind.choices, default=Kind.MEMBER)
    amount = models.PositiveIntegerField(_("amount"))
    state_subsidy = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["bill_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bill", "participant"], name="one_line_per_member"),
        ]

    def __str__(self) -> str:
        return f"{self.bill_id}: {self.participant_id} {self.amount}"


class PaymentChannel(models.Model):
    """A bank or payment channel that sends signed notifications. The HMAC secret lives here
    (generated, never committed) or in the environment (PAYMENT_CHANNEL_SECRETS), which wins."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    secret = models.CharField(_("HMAC secret"), max_length=128, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The "Bayar (simulasi)" button of the embedded default pays through this channel.
    is_simulation = models.BooleanField(_("simulation"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("payment channel")
        verbose_name_plural = _("payment channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9_]{2,20}$"), name="channel_code_format"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PaymentNotification(models.Model):
    """Every delivery to the notification endpoint, accepted or not: the reconciliation inbox.

    Refused deliveries (bad signature, stale timestamp, malformed body, unknown VA) stay here
    with the reason; staff match an authentic one with an unknown VA to a family."""

    class Outcome(models.TextChoices):
        RECEIVED = "RECEIVED", _("received (being processed)")
        ACCEPTED = "ACCEPTED", _("accepted: payment credited")
        DUPLICATE = "DUPLICATE", _("duplicate: already credited")
        REJECTED = "REJECTED", _("refused: unknown channel, bad signature or stale timestamp")
        MALFORMED = "MALFORMED", _("refused: malformed body")
        UNMATCHED = "UNMATCHED", _("unknown virtual account: waits for staff")
        CONFLICT = "CONFLICT", _("refused: transaction id reused with other data")
        MATCHED = "MATCHED", _("matched to a family by staff")
        FAILED = "FAILED", _("failed on our side: the bank may send it again")

    received_at = models.DateTimeField(_("received at"), db_index=True)
    channel_code = models.CharField(_("channel (as sent)"), max_length=40, blank=True)
    channel = models.ForeignKey(
        PaymentChannel, null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("channel")
    )
    timestamp_header = models.CharField(max_length=40, blank=True)
    signature_valid = models.BooleanField(_("signature valid"), default=False)
    body = models.TextField(_("raw body"), blank=True)
    transaction_id = models.CharField(_("transaction id"), max_length=64, blank=True)
    virtual_account = models.CharField(_("virtual account"), max_length=40, blank=True)
    amount = models.BigIntegerField(_("amount"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid at (bank)"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.RECEIVED
    )
    error_code = models.CharField(_("error code"), max_length=40, blank=True)
    payment = models.ForeignKey(
        "Payment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notifications",
        verbose_name=_("payment"),
    )
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT
    )
    resolution_note = models.CharField(_("resolution note"), max_length=255, blank=True)

    history = HistoricalRecords(excluded_fields=["body"])

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("payment notification")
        verbose_name_plural = _("payment notifications")
        indexes = [
            models.Index(fields=["outcome", "-received_at"], name="notification_outcome_idx"),
            models.Index(fields=["channel", "transaction_id"], name="notification_tx_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_code} {self.transaction_id or '-'} {self.outcome}"


class Payment(models.Model):
    """Money a channel confirmed, credited once per (channel, transaction id).

    `allocated_amount` is what went to bills; the rest is held: a partial payment waits until
    the family's credit covers what reactivation needs, then everything is settled at once."""

    class Result(models.TextChoices):
        SETTLED = "SETTLED", _("bills paid")
        PARTIAL = "PARTIAL", _("partial: held until the rest is paid")
        CREDIT = "CREDIT", _("nothing due: kept as credit")

    channel = models.ForeignKey(PaymentChannel, on_delete=models.PROTECT, verbose_name=_("channel"))
    transaction_id = models.CharField(_("transaction id"), max_length=64)
    family = models.ForeignKey(
        FamilyCard, on_delete=models.PROTECT, related_name="payments", verbose_name=_("family")
    )
    virtual_account = models.CharField(_("virtual account"), max_length=16)
    amount = models.PositiveIntegerField(_("amount"))
    paid_at = models.DateTimeField(_("paid at (bank)"))
    credited_at = models.DateTimeField(_("credited at"))
    allocated_amount = models.PositiveIntegerField(_("allocated to bills"), default=0)
    # What this payment did when it was credited; fixed, so a repeated notification is answered
    # exactly like the first.
    result = models.CharField(_("result"), max_length=8, choices=Result.choices)
    remaining_after = models.PositiveIntegerField(_("still to pay after it"), default=0)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        verbose_name=_("matched by (staff)"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-credited_at", "-id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "transaction_id"], name="one_payment_per_channel_transaction"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.CheckConstraint(
                condition=Q(allocated_amount__lte=F("amount")),
                name="payment_not_allocated_beyond_amount",
            ),
        ]
        indexes = [
            models.Index(fields=["family", "-credited_at"], name="payment_family_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}/{self.transaction_id} {self.amount}"

    @property
    def unallocated(self) -> int:
        return self.amount - self.allocated_amount


class Reactivation(models.Model):
    """The reactivation log: what a settlement changes on the members, applied by a task.

    Every settlement writes one. After arrears (`arrears_months` >= 1) it makes the members
    AKTIF again and starts the 45-day denda pelayanan window; for a family that was up to date
    it only moves `paid_through`. The task claims a PENDING row under lock, so it is applied
    exactly once whether the event task, a retry or the sweep gets there first."""

    class State(models.TextChoices):
        PENDING = "PENDING", _("pending")
        DONE = "DONE", _("done")

    family = models.ForeignKey(
        FamilyCard,
        on_delete=models.PROTECT,
        related_name="reactivations",
        verbose_name=_("family"),
    )
    # The payment whose credit completed the settlement.
    payment = models.ForeignKey(
        Payment, on_delete=models.PROTECT, related_name="reactivations", verbose_name=_("payment")
    )
    confirmed_on = models.DateField(_("payment confirmed on"))
    paid_through = models.DateField(_("paid through (month)"))
    arrears_months = models.PositiveSmallIntegerField(_("months in arrears"), default=0)
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    status_changes = models.PositiveIntegerField(_("status changes"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reactivation")
        verbose_name_plural = _("reactivation log")
        constraints = [
            models.CheckConstraint(
                condition=Q(paid_through__day=1), name="reactivation_month_is_first_day"
            ),
            models.CheckConstraint(
                condition=Q(state="PENDING", done_at__isnull=True)
                | Q(state="DONE", done_at__isnull=False),
                name="reactivation_done_has_time",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(state="PENDING"), name="reactivation_pending_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_id} -> {self.paid_through:%Y-%m} ({self.state})"
