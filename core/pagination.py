"""Page numbers for every API list (settings REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"])."""

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    """DRF's page numbers, with a page that does not exist (0, -1, "abc", past the last) a
    field error on `page` (400, documented) rather than an undocumented 404."""

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> Any:
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            pages = self.django_paginator_class(
                queryset, self.get_page_size(request) or 1
            ).num_pages
            raise exceptions.ValidationError(
                {"page": [_("Choose a page from 1 to %(n)d.") % {"n": pages}]}
            ) from None
