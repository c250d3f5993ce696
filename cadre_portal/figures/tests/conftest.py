"""The figures tests' world: each app that registers figures may provide
``<app>/tests/figures_world.py`` with ``build(personas)``, called here, so its
figures are checked over data of its own."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps


def world_builders():
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.tests.figures_world"
        try:
            found.append(import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"{config.name}.tests"):
                raise
    return found


@pytest.fixture
def world(personas):
    for module in world_builders():
        module.build(personas)
    return personas
