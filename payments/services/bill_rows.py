"""Writing made bills and their lines: one UNNEST insert each on PostgreSQL (bulk_create
elsewhere). The (family, month, payer) key is the bill's identity."""

from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from ..models import Bill, BillLine


def bills_save(made: Iterable[tuple[Bill, list[BillLine]]]) -> list[Bill]:
    made = list(made)
    if not made:
        return []
    if connection.vendor == "postgresql":
        _insert_with_unnest(made)
        return [bill for bill, _lines in made]
    bills = Bill.objects.bulk_create([bill for bill, _lines in made], batch_size=1000)
    lines = []
    for bill, bill_lines in zip(bills, (ls for _b, ls in made), strict=True):
        for line in bill_lines:
            line.bill = bill
            lines.append(line)
    BillLine.objects.bulk_create(lines, batch_size=2000)
    return bills


_BILL_COLUMNS = {
    # column: PostgreSQL array type; values come from the Bill's attribute of the same name.
    "family_id": "bigint",
    "month": "date",
    "payer": "varchar",
    "segment_id": "varchar",
    "amount": "integer",
    "state_subsidy": "integer",
    "employer_share": "integer",
    "worker_share": "integer",
    "due_date": "date",
    "state": "varchar",
    "paid_amount": "integer",
    "settled_at": "timestamptz",
    "created_at": "timestamptz",
}
_LINE_COLUMNS = {
    "bill_id": "bigint",
    "participant_id": "bigint",
    "kind": "varchar",
    "amount": "integer",
    "state_subsidy": "integer",
}


def _insert_with_unnest(made: list[tuple[Bill, list[BillLine]]]) -> None:
    """The same rows `bulk_create` writes (it uses UNNEST on PostgreSQL too), without its
    per-value preparation, which is most of a 100000-family billing run's time. The values
    are plain ints, strings and dates, passed as query parameters."""
    now = timezone.now()
    bills = [bill for bill, _lines in made]
    for bill in bills:
        bill.created_at = now
    with connection.cursor() as cursor:
        cursor.execute(
            _unnest_insert(
                Bill._meta.db_table, _BILL_COLUMNS, returning="id, family_id, month, payer"
            ),
            [[getattr(b, column) for b in bills] for column in _BILL_COLUMNS],
        )
        # (family, month, payer) is the bill's unique key: match the returned ids by it.
        ids = {key[1:]: key[0] for key in cursor.fetchall()}
        lines = []
        for bill, bill_lines in made:
            bill.pk = ids[(bill.family_id, bill.month, bill.payer)]
            bill._state.adding = False
            for line in bill_lines:
                line.bill_id = bill.pk
                lines.append(line)
        cursor.execute(
            _unnest_insert(BillLine._meta.db_table, _LINE_COLUMNS),
            [[getattr(line, column) for line in lines] for column in _LINE_COLUMNS],
        )


def _unnest_insert(table: str, columns: dict[str, str], returning: str = "") -> str:
    names = ", ".join(columns)
    arrays = ", ".join(f"%s::{kind}[]" for kind in columns.values())
    tail = f" RETURNING {returning}" if returning else ""
    return f"INSERT INTO {table} ({names}) SELECT * FROM UNNEST({arrays}){tail}"  # noqa: S608
