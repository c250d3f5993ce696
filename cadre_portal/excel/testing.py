"""Test support for Excel registries: round-trip samples.

Every registry must re-import its own export as "unchanged" (0 new, 0 updated, 0 errors).
``cadre_portal/excel/tests/test_roundtrip.py`` runs that check over **every registered
registry**, so a registry is covered the day it is registered, and fails for a registry
that has no sample. A sample creates a few records in the states that matter (closed
stages, people who moved on) and says who exports and re-imports them. An app adds one
per registry in ``<app>/tests/excel_samples.py`` (found automatically)::

    from cadre_portal.excel.testing import RoundTrip, roundtrip_sample

    @roundtrip_sample("young_cadres")
    def young_cadres(personas):
        ...  # create records through the app's own services
        return [RoundTrip(user=personas.county_staff)]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import import_module

from django.apps import apps

_SAMPLES: dict[str, object] = {}


@dataclass
class RoundTrip:
    """One export → import round trip: who does it, with which upload options
    (e.g. the stage county staff must state for nominations) and list filters."""

    user: object
    options: dict = field(default_factory=dict)
    params: dict = field(default_factory=dict)


def roundtrip_sample(key: str):
    """Register ``builder(personas) -> list[RoundTrip]`` as the sample of registry ``key``."""

    def decorator(builder):
        _SAMPLES[key] = builder
        return builder

    return decorator


def samples() -> dict[str, object]:
    """Every registered sample (imports ``<app>.tests.excel_samples`` of each app once)."""
    for config in apps.get_app_configs():
        if config.name.startswith("django."):
            continue
        module = f"{config.name}.tests.excel_samples"
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name not in (module, f"{config.name}.tests"):
                raise
    return dict(_SAMPLES)
