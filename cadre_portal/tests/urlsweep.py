"""Walk every URL pattern of the project (for the scope and login sweeps)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter


@dataclass
class Route:
    name: str
    pattern: object
    converters: dict  # kwarg name -> converter


def iter_routes(resolver=None, prefix_converters=None, namespace=""):
    resolver = resolver or get_resolver()
    prefix_converters = prefix_converters or {}
    for entry in resolver.url_patterns:
        converters = {**prefix_converters, **getattr(entry.pattern, "converters", {})}
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            if ns == "admin":
                continue  # the Django admin has its own permission system; tested separately
            yield from iter_routes(entry, converters, f"{namespace}{ns}:" if ns else namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            yield Route(f"{namespace}{entry.name}", entry.pattern, converters)


def object_routes():
    """Routes that take at least one object id (int or uuid)."""
    return [r for r in iter_routes() if any(isinstance(c, (IntConverter, UUIDConverter)) for c in r.converters.values())]


def sample_kwargs(route: Route, int_value=1, uuid_value="00000000-0000-0000-0000-000000000001", str_value="x"):
    kwargs = {}
    for name, converter in route.converters.items():
        if isinstance(converter, IntConverter):
            kwargs[name] = int_value
        elif isinstance(converter, UUIDConverter):
            kwargs[name] = uuid_value
        else:
            kwargs[name] = str_value
    return kwargs
