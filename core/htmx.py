"""Pages whose regions htmx updates in place: one URL answers the page or the region."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def wants_partial(request: HttpRequest) -> bool:
    """An htmx request swapping a region, not htmx restoring a whole page from its history."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    """The same URL answers a page or a fragment: caches must keep them apart."""
    patch_vary_headers(response, ["HX-Request", "HX-History-Restore-Request"])
    return response


def render_page_or_partial(
    request: HttpRequest, page: str, partial: str, context: dict
) -> HttpResponse:
    template = partial if wants_partial(request) else page
    return vary_on_htmx(render(request, template, context))
