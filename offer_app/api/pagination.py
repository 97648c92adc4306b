"""Pagination of the offer list: DRF's page numbers with strict parameters."""

import re

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

PAGE_INVALID = _("page must be a page number (1, 2, ...).")
PAGE_SIZE_INVALID = _("page_size must be a whole number from 1; values above 100 count as 100.")
PAGE_NOT_FOUND = _("This page does not exist.")

_POSITIVE_NUMBER = re.compile(r"[0-9]*[1-9][0-9]*")


class OfferPagination(PageNumberPagination):
    """Six offers per page (the frontend assumes six), `page_size` up to 100; a page past the end is a 404."""

    page_size = 6
    page_query_description = "Page number, from 1 (empty means 1). A page past the end answers 404."
    page_size_query_description = "Offers per page: 6 unless given, at most 100 (larger values count as 100)."
    page_size_query_param = "page_size"
    max_page_size = 100
    last_page_strings = ()
    invalid_page_message = PAGE_NOT_FOUND

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        # `next` and `previous` are always sent (null at either end).
        response["required"] = ["count", "next", "previous", "results"]
        return response

    def get_page_number(self, request, paginator):
        return self._positive_number(request, self.page_query_param, PAGE_INVALID) or 1

    def get_page_size(self, request):
        size = self._positive_number(request, self.page_size_query_param, PAGE_SIZE_INVALID)
        return min(size, self.max_page_size) if size else self.page_size

    @staticmethod
    def _positive_number(request, name, message):
        """The parameter as a positive int, None when absent or empty; anything else is a 400 naming it."""
        value = request.query_params.get(name, "").strip()
        if not value:
            return None
        if not _POSITIVE_NUMBER.fullmatch(value):
            raise ValidationError({name: [message]})
        return int(value)
