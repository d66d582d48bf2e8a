"""Sortable column headers and pagination links for any paginated table, keeping the other filters."""

from django import template
from django.http import QueryDict

register = template.Library()


def _with(query: str, **changes) -> str:
    params = QueryDict(query, mutable=True)
    for key, value in changes.items():
        params.pop(key, None)
        if value is not None:
            params[key] = value
    return params.urlencode()


@register.inclusion_tag("components/sortable_header.html", takes_context=True)
def sortable_header(context, key: str, label: str, numeric: bool = False) -> dict:
    """A column header that sorts by `key`; a second click reverses the order. The current order
    is announced with aria-sort, as the GOV.UK/MOJ sortable table does."""
    current = (context.get("sort") or ["title"])[0]
    if current == key:
        aria_sort, next_sort = "ascending", f"-{key}"
    elif current == f"-{key}":
        aria_sort, next_sort = "descending", key
    else:
        aria_sort, next_sort = "none", key
    return {
        "label": label,
        "numeric": numeric,
        "aria_sort": aria_sort,
        "href": "?" + _with(context.get("query", ""), sort=next_sort, page=None),
    }


@register.simple_tag(takes_context=True)
def page_href(context, number: int) -> str:
    return "?" + _with(context.get("query", ""), page=str(number))
