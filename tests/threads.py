"""Writers run against each other, each in its own thread, database connection and
transaction, released together round after round; PostgreSQL's deadlocks are counted."""

import threading
from collections import Counter
from collections.abc import Callable

from django.db import OperationalError, connections


def is_deadlock(exc: BaseException) -> bool:
    """PostgreSQL chose this transaction as a deadlock victim (SQLSTATE 40P01)."""
    return getattr(exc.__cause__, "pgcode", None) == "40P01"


def count_deadlocks(
    writers: dict[str, Callable[[int], object]],
    rounds: int,
    *,
    before_round: Callable[[int], object] | None = None,
) -> Counter[str]:
    """Each writer once per round (given the round number), all released at the same moment
    after `before_round` has prepared it; returns the deadlocks per writer and re-raises any
    other error."""
    round_number = iter(range(rounds))

    def prepare() -> None:
        n = next(round_number)
        if before_round is not None:
            before_round(n)

    barrier = threading.Barrier(len(writers), action=prepare)
    deadlocks: Counter[str] = Counter()
    errors: list[BaseException] = []

    def loop(name: str, write: Callable[[int], object]) -> None:
        try:
            for n in range(rounds):
                barrier.wait(timeout=120)
                try:
                    write(n)
                except OperationalError as exc:
                    if not is_deadlock(exc):
                        raise
                    deadlocks[name] += 1
        except BaseException as exc:
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    threads = [threading.Thread(target=loop, args=item) for item in writers.items()]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    if errors:
        raise errors[0]
    return deadlocks
