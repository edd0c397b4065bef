"""The family API's Bearer authentication: the token, its user and the caller's family fact
rows (participants.selectors.fact_rows) read in one SQL statement.

A kept family read needs both, and each was a round trip to PostgreSQL: on the benchmark's
two shared cores the round trips, not the Python, were most of what separated a read from
the framework's floor (issue 14, docs/scaling.md). The token checks are
core.auth.BearerTokenAuthentication's own; only the statement is longer."""

from core.auth import BearerTokenAuthentication
from participants.selectors import fact_rows_joined


def family_bearer_authentication() -> BearerTokenAuthentication:
    """`request.auth.also_rows` then holds the caller's fact rows (families.selectors
    .family_facts_of turns them into the family's FactRows)."""
    return BearerTokenAuthentication(also=fact_rows_joined("p1.user_id = u.id"))
