"""Every list is paginated the same way (decision 013): Django's Paginator, 50 rows a page,
the filters kept in the page links (`components/pagination.html`)."""

from __future__ import annotations

from django.core.paginator import Page, Paginator

PAGE_SIZE = 50


def paginate(request, object_list, *, per_page: int = PAGE_SIZE, param: str = "page") -> Page:
    """The page of `object_list` that `request` asks for (`?page=`); a page number out of range
    gives the last page, a wrong one the first (`Paginator.get_page`). The page carries
    `query`, the request's other parameters, for its links, and `param`, its own."""
    page = Paginator(object_list, per_page).get_page(request.GET.get(param))
    query = request.GET.copy()
    query.pop(param, None)
    page.query = query.urlencode()
    page.param = param
    return page
