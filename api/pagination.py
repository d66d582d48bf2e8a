from rest_framework import pagination
from rest_framework.exceptions import ValidationError

PAGE_SIZE_MESSAGE = "Enter the page size as a whole number from 1 to {maximum}"


class PageNumberPagination(pagination.PageNumberPagination):
    """?page=2&page_size=100. A page past the end, or not a number, is 404 with DRF's message; a page
    size that is not a whole number from 1 to the maximum is 400 (DRF would quietly use 50)."""

    page_size = 50
    page_size_query_param = "page_size"
    page_size_query_description = "How many results a page holds: 50 unless you ask, 200 at most."
    page_query_description = "Which page of the results to return, from 1."
    max_page_size = 200

    def get_page_size(self, request) -> int:
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not asked.isdigit() or not 1 <= int(asked) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_MESSAGE.format(maximum=self.max_page_size)]})
        return int(asked)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"]["maximum"] = self.max_page_size
        return parameters
