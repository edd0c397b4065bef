"""Fact tokens: how a cached answer knows it is still true (issue 14).

A family's status read is cached under a key made of the *tokens* of every row it was computed
from. A token is a random 62-bit number that the ORM writes anew, in the same statement, each
time such a row is written, so the writer cannot forget it:

- `FactsModel` (Participant, FamilyCard): `save()`, `QuerySet.update()` and `bulk_update()` all
  write a new `facts_token` with the row's other columns. A reader that sees the new token sees
  the new facts (same row, same statement), so the next request after a payment, a sync result
  or a staff correction computes a fresh answer; an answer stored under an old token is never
  found again and expires.
- `ReferenceModel` (segments, rates, minimum wages, facilities, regions, branch offices): rare
  staff edits that change many families at once. Every write, delete included, replaces the one
  `ReferenceEpoch` token in the same transaction, and every cached key contains it.

Random tokens rather than counters: `bulk_update` writes values computed in Python, so two
writers incrementing at once could both write "4"; two random draws do not collide. Raw SQL
that writes these tables must set `facts_token` itself (tests/test_facts.py looks for any).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.db import models

FIELD = "facts_token"


def new_token() -> int:
    return secrets.randbits(62)


class FactsQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        kwargs.setdefault(FIELD, new_token())
        return super().update(**kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        objs = list(objs)
        for obj in objs:
            setattr(obj, FIELD, new_token())
        fields = list(fields)
        if FIELD not in fields:
            fields.append(FIELD)
        return super().bulk_update(objs, fields, batch_size=batch_size)


class FactsModel(models.Model):
    """A row that cached reads are computed from: every write gives it a new token."""

    facts_token = models.BigIntegerField(default=new_token, editable=False)

    objects = FactsQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.facts_token = new_token()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, FIELD}
        super().save(*args, **kwargs)


def reference_changed() -> None:
    """A new epoch token: every cached family answer is recomputed on its next read."""
    # By name: core.models builds on this module (no import circle).
    epoch = apps.get_model("core", "ReferenceEpoch")
    token = new_token()
    if not epoch.objects.filter(pk=1).update(token=token):
        epoch.objects.get_or_create(pk=1, defaults={"token": token})


class ReferenceQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        reference_changed()
        return count

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        count = super().bulk_update(objs, fields, batch_size=batch_size)
        reference_changed()
        return count

    def bulk_create(self, objs: Iterable[Any], *args: Any, **kwargs: Any) -> list[Any]:
        created = super().bulk_create(objs, *args, **kwargs)
        reference_changed()
        return created

    def delete(self) -> tuple[int, dict[str, int]]:
        deleted = super().delete()
        reference_changed()
        return deleted


class ReferenceModel(models.Model):
    """Reference data that many families' answers depend on."""

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        reference_changed()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        deleted = super().delete(*args, **kwargs)
        reference_changed()
        return deleted
