"""Progress lines for the payments commands: the JobRun's counts after every chunk."""

from collections.abc import Callable

from django.core.management.base import OutputWrapper

from core.models import JobRun


def printer(stdout: OutputWrapper, unit: str) -> Callable[[JobRun], None]:
    def show(run: JobRun) -> None:
        stdout.write(
            f"  {run.name} #{run.pk}: {run.done}/{run.total} {unit}, {run.changed} changed"
        )

    return show


def summary(run: JobRun, unit: str, changed: str) -> str:
    return (
        f"{run.name} #{run.pk}: {run.state}, {run.done}/{run.total} {unit}, {run.changed} {changed}"
    )
