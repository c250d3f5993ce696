"""The drill-down list: exactly the rows behind a figure, for the viewer's scope and period."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from cadre_portal.figures import compute, periods, registry

PAGE_SIZE = 50


def requested_buckets(figure: registry.Figure, params) -> list[tuple[registry.Dimension, str]]:
    """The bucket keys in the query string (``d0``, ``d1``), one per dimension, in order."""
    chosen = []
    for i, dimension in enumerate(figure.dimensions):
        value = params.get(f"d{i}")
        if value is None:
            break
        chosen.append((dimension, value))
    return chosen


def bucket_labels(figure, user, period, chosen) -> list[str]:
    labels = []
    for index, (dimension, value) in enumerate(chosen):
        label = next((b.label for b in compute.buckets(figure, index, user, period) if b.key == value), None)
        if label is None:
            raise Http404("没有这个分组。")
        labels.append(f"{dimension.label_for(user)}：{label}")
    return labels


@require_GET
def rows(request, key):
    figure = registry.find(key)
    if figure is None:
        raise Http404("没有这个统计指标。")
    user = request.user
    if not compute.allowed(figure, user):
        raise PermissionDenied("您的角色不能查看该统计指标。")
    period, errors = periods.from_params(request.GET)
    for error in errors:
        messages.error(request, error)
    chosen = requested_buckets(figure, request.GET)
    labels = bucket_labels(figure, user, period, chosen)
    try:
        qs = figure.queryset(user, period, [value for _, value in chosen])
    except registry.BucketError:
        raise Http404("没有这个分组。") from None
    if figure.related:
        qs = qs.select_related(*figure.related)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    total = None if figure.counts_rows else compute._clean(qs.aggregate(v=figure.aggregate_expression())["v"])
    table = [
        {"url": figure.get_row_url(obj, period), "cells": [column.get(obj) for column in figure.columns]}
        for obj in page.object_list
    ]
    context = {
        "figure": figure,
        "period": period,
        "labels": labels,
        "page_obj": page,
        "table": table,
        "total_text": figure.format(total) if total is not None else None,
        "period_choices": periods.PRESETS,
        "section": registry.section(figure.section),
        "scope_name": _scope_name(user),
        "keep": [(f"d{i}", value) for i, (_, value) in enumerate(chosen)],
    }
    return render(request, "figures/rows.html", context)


def _scope_name(user) -> str:
    parts = []
    if user.region_id:
        region = user.region
        parts.append(region.full_name() if region.level >= region.Level.TOWNSHIP else region.name)
    if getattr(user, "domain", ""):
        parts.append(user.get_domain_display())
    return " · ".join(parts) or "全部"
