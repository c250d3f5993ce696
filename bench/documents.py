"""Benchmark of the 干部任免审批表 path on the configured database (``python bench/documents.py``).

Creates its own test database (``django.test.utils.setup_databases``), so real data
is never touched, then measures:

1. one form as .docx, as .lrmx and laid out for the print view (median of 20);
2. a 50-person appointment round as one .docx and one zip of .lrmx (the batch path,
   with the queries it makes);
3. reading 500 .lrmx files (the five samples over and over: GBK, BOM, messy dates);
4. importing 100 new cadres from .lrmx (upload → preview → confirm) and the same
   100 files again (all 无变化), with queries and memory.

The last line is ``docx_1_ms=… lrmx_1_ms=… round50_docx_s=… read500_s=… import100_s=… reimport100_s=…``.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases, teardown_test_environment  # noqa: E402


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def han_name(i: int) -> str:
    """Distinct names of Han characters (names may hold nothing else)."""
    return SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + GIVEN[i % len(GIVEN)]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn, repeat=1):
    runs = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs), result


def main() -> None:
    setup_test_environment()
    settings.DEBUG = True  # count queries
    old = setup_databases(verbosity=0, interactive=False)
    tmp = tempfile.TemporaryDirectory()
    settings.MEDIA_ROOT = Path(tmp.name) / "media"
    settings.EXCEL_IMPORT_DIR = Path(tmp.name) / "imports"
    try:
        run()
    finally:
        teardown_databases(old, verbosity=0)
        teardown_test_environment()
        tmp.cleanup()


def run() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cadre_portal import idcard
    from cadre_portal.codes import seed_code_items
    from cadre_portal.documents import docx, imports, lrmx, services, sheet
    from cadre_portal.documents.registry import FormOptions, get
    from cadre_portal.documents.testing import sample_form
    from cadre_portal.models import CodeItem
    from cadre_portal.testing import make_personas, make_unit
    from youth_cadres.models import Cadre
    from youth_cadres.tests.rmb_builders import full_cadre, round_with

    seed_code_items(CodeItem)
    personas = make_personas()
    user = personas.county_staff
    unit = make_unit("崇阳县天城镇人民政府", personas.tree.township_a)
    form = sample_form()

    docx_1, _ = timed(lambda: docx.write([form]), repeat=20)
    lrmx_1, _ = timed(lambda: lrmx.write(form), repeat=20)
    sheet_1, _ = timed(lambda: sheet.build(form), repeat=20)
    print(f"one form: docx {docx_1 * 1000:.0f} ms, lrmx {lrmx_1 * 1000:.1f} ms, print layout {sheet_1 * 1000:.1f} ms")

    cadres = [full_cadre(unit, name=han_name(i), birth=date(1985 + i % 10, 1 + i % 12, 1 + i % 27)) for i in range(50)]
    round_, _ = round_with(cadres, title="基准批次")
    source = get("youth")
    reset_queries()
    start = time.perf_counter()
    items = source.batch_items(user, str(round_.pk))
    forms = services.build_forms(source, items, options=FormOptions(), user=user)
    build_s = time.perf_counter() - start
    build_queries = len(connection.queries)
    round_docx, data = timed(lambda: services.docx_bytes(forms))
    round_zip, archive = timed(lambda: services.lrmx_zip(forms))
    print(f"round of 50: forms {build_s:.2f} s ({build_queries} queries), docx {round_docx:.2f} s ({len(data) // 1024} KB), "
          f"zip of lrmx {round_zip:.2f} s ({len(archive) // 1024} KB)")

    samples = sorted((ROOT / "cadre_portal" / "documents" / "samples").glob("*.lrmx"))
    blobs = [p.read_bytes() for p in samples] * 100
    read_500, _ = timed(lambda: [lrmx.read(b) for b in blobs])
    print(f"read 500 .lrmx: {read_500:.2f} s ({500 / read_500:.0f} files/s)")

    # 100 new people as .lrmx files: the complete sample with fresh ID numbers and names.
    template = lrmx.read(samples[0].read_bytes()).form
    files = []
    for i in range(100):
        birth = date(1980 + i % 15, 1 + i % 12, 1 + i % 28)
        person = template.copy(name=han_name(1000 + i), birth=birth, id_number=idcard.make("421223", birth, 101 + 2 * i))
        files.append(SimpleUploadedFile(f"{i:03d}.lrmx", lrmx.write(person)))
    before = rss_mb()
    reset_queries()
    start = time.perf_counter()
    job = imports.start_import(user=user, source_key="youth", uploads=files, options={"unit": unit.pk})
    imports.run_preview(job)
    preview_s = time.perf_counter() - start
    preview_q = len(connection.queries)
    reset_queries()
    start = time.perf_counter()
    imports.claim(job)
    job.refresh_from_db()
    imports.confirm(job)
    confirm_s = time.perf_counter() - start
    confirm_q = len(connection.queries)
    assert Cadre.objects.count() == 150, job.message
    print(f"import 100 new: preview {preview_s:.2f} s ({preview_q} queries), confirm {confirm_s:.2f} s ({confirm_q} queries), "
          f"RSS +{rss_mb() - before:.0f} MB")
    for f in files:
        f.seek(0)
    reset_queries()
    start = time.perf_counter()
    again = imports.start_import(user=user, source_key="youth", uploads=files, options={})
    imports.run_preview(again)
    reimport_s = time.perf_counter() - start
    assert again.unchanged_rows == 100, again.preview["files"][0]
    print(f"import the same 100 again: {reimport_s:.2f} s ({len(connection.queries)} queries), all 无变化")
    print(f"docx_1_ms={docx_1 * 1000:.0f} lrmx_1_ms={lrmx_1 * 1000:.1f} round50_docx_s={round_docx:.2f} "
          f"read500_s={read_500:.2f} import100_s={preview_s + confirm_s:.2f} reimport100_s={reimport_s:.2f}")


if __name__ == "__main__":
    main()
