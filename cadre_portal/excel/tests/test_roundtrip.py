"""Every registered registry re-imports its own export as unchanged: 0 new, 0 updated,
0 errors. Parametrised over the registry table, so a registry added later is covered
the day it is registered (and fails here until it has a sample, see
``cadre_portal.excel.testing``)."""

import pytest
from django.urls import reverse

from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.resources import all_registries
from cadre_portal.excel.testing import samples


def export_then_import(client, key, trip, tmp_path):
    response = client.get(reverse("excel:export", args=[key]), trip.params)
    assert response.status_code == 200, response.content[:300]
    exported = tmp_path / f"{key}.xlsx"
    exported.write_bytes(b"".join(response.streaming_content))
    with exported.open("rb") as fh:
        client.post(reverse("excel:import", args=[key]), {"file": fh, **trip.options})
    return ImportJob.objects.filter(owner=trip.user, registry=key).latest("created_at")


@pytest.mark.parametrize("key", [cls.key for cls in all_registries()])
def test_every_registry_re_imports_its_export_unchanged(key, personas, login, tmp_path, settings):
    settings.EXCEL_IMPORT_DIR = str(tmp_path / "imports")
    builder = samples().get(key)
    assert builder is not None, (
        f"registry {key!r} has no round-trip sample: add @roundtrip_sample({key!r}) in <app>/tests/excel_samples.py"
    )
    trips = builder(personas)
    assert trips
    for trip in trips:
        job = export_then_import(login(trip.user), key, trip, tmp_path)
        assert job.status == "previewed", job.message
        assert job.total_rows > 0, "the sample must export something"
        assert (job.new_rows, job.updated_rows, job.error_rows) == (0, 0, 0), job.errors[:5]
        assert job.unchanged_rows == job.total_rows
