"""The leader's (and county staff's) home panel: the seed's key figures this year."""

from __future__ import annotations

from cadre_portal.figures import compute, periods, registry

KEY_FIGURES = [
    "reserves.active",
    "reserves.appointed",
    "reserves.promoted_township_leadership",
    "youth_cadres.bank_size",
    "youth_cadres.appointed_from_bank",
    "retention.retained",
    "talents.medical_recruited",
    "talents.arts_organizations",
]


def key_figures(user):
    period = periods.preset(periods.THIS_YEAR)
    values = []
    for key in KEY_FIGURES:
        figure = registry.find(key)
        if figure is None:
            continue
        result = compute.value(figure, user, period)
        if result.allowed:
            values.append(result)
    if not values:
        return None
    return {"values": values, "period": period}
