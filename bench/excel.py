"""Benchmark of the Excel path on the configured database (``make bench``).

Creates its own test database (``django.test.utils.setup_databases``: SQLite in
memory, or ``test_<name>`` on PostgreSQL from DATABASE_URL), so real data is never
touched, then:

1. generates nomination files of 10,000 and 50,000 rows (XlsxWriter);
2. imports the 10,000-row file through the portal's path (upload pre-check →
   preview: calamine parse + validation + stored rows → confirm: one transaction,
   ``workflow.create_drafts``), timing parse, preview and confirm, rows/s,
   queries per created row and memory (RSS growth; tracemalloc for the export);
3. the same for 50,000 rows;
4. the same 10,000-row file through a plain django-import-export ``ModelResource``
   with the library's defaults (tablib/openpyxl read, dry run then real run, as
   the admin's preview + confirm do);
5. exports 20,000 rows with the streaming exporter;
6. in the same run, the floors the targets are ratios of (issue 16 item 8), so that they
   hold on a noisy machine:
   * ``import_floor_s``: the same 10,000-row file read with calamine and the same rows
     loaded with ``COPY … FROM STDIN`` (SQLite: ``executemany``) into a temporary table
     with the file's columns, typed; no validation, no history, no indexes — nothing the
     portal must do beyond reading and writing the cells;
   * ``export_floor_s``: XlsxWriter (``constant_memory``, its lowest-level string writer)
     writing the same cells the exporter wrote, already in memory — no query, no
     conversion.

The last line is ``import_10k_s=… import_floor_s=… import_floor_ratio=… default_10k_s=…
speedup=… export_20k_s=… export_floor_s=… export_floor_ratio=… export_peak_mb=…``
(targets: import ≤ 2× its floor and ≥ 20× the default resource, export ≤ 1.3× its floor).
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
import tracemalloc
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_portal.settings")
os.environ.setdefault("EXCEL_MAX_ROWS", "50000")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases, teardown_test_environment  # noqa: E402

# ``--quick``: only the 10,000-row import and a 10,000-row export (for iterating; not the reported line).
QUICK = "--quick" in sys.argv

HEADER = ["姓名", "身份证号码", "出生日期", "民族", "政治面貌", "学历", "所在村（社区）", "推荐方式", "现从事职业"]
FIELDS = ["name", "id_number", "birth_date", "ethnicity", "political_status", "education", "village", "nomination_source",
          "current_occupation"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def name_for(r: int) -> str:
    """Distinct names for the first 20×24×24 = 11,520 rows (so name caches do not flatter the figures)."""
    n = len(GIVEN)
    return SURNAMES[r % len(SURNAMES)] + GIVEN[(r // len(SURNAMES)) % n] + GIVEN[(r // (len(SURNAMES) * n)) % n]


class Counter:
    """Counts queries without keeping their SQL (cheap for 40,000 inserts)."""

    def __init__(self):
        self.n = 0

    def __call__(self, execute, sql, params, many, context):
        self.n += 1
        return execute(sql, params, many, context)


def rss_mb() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def measured(label, results, *, trace_memory=False):
    """Wall time and query count; Python peak memory only when asked (tracemalloc slows
    allocation-heavy code several times, so timed runs never trace)."""
    counter = Counter()
    if trace_memory:
        tracemalloc.start()
    rss_before = rss_mb()
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        yield counter
    elapsed = time.perf_counter() - started
    peak = 0.0
    if trace_memory:
        _current, peak_bytes = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak = peak_bytes / 1024 / 1024
    results[label] = {"s": elapsed, "queries": counter.n, "peak_mb": peak, "rss_growth_mb": rss_mb() - rss_before}


def id_numbers(start: int, count: int):
    from cadre_portal import idcard

    base = date(1975, 1, 1)
    i = start
    made = 0
    while made < count:
        day, seq = divmod(i, 400)
        yield idcard.make("421223", base + timedelta(days=day), seq * 2 + 1)
        i += 1
        made += 1


def write_file(path: Path, rows: int, start: int, villages: list[tuple[str, str]]):
    """A nomination file the way the template asks: text ID numbers, Excel dates, codes."""
    import xlsxwriter

    from cadre_portal import idcard

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("后备干部推荐名单")
    text = wb.add_format({"num_format": "@"})
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for col, h in enumerate(HEADER):
        ws.write_string(0, col, h)
    for r, number in enumerate(id_numbers(start, rows), start=1):
        info = idcard.parse(number)
        ws.write_string(r, 0, name_for(r))
        ws.write_string(r, 1, number, text)
        ws.write_datetime(r, 2, info.birth_date, day)
        ws.write_string(r, 3, "01")
        ws.write_string(r, 4, "13")
        ws.write_string(r, 5, "21")
        ws.write_string(r, 6, villages[r % len(villages)][0])
        ws.write_string(r, 7, "2")
        ws.write_string(r, 8, "种植大户")
    wb.close()


class Upload:
    def __init__(self, path: Path):
        self.path, self.name, self.size = path, path.name, path.stat().st_size

    def chunks(self):
        with self.path.open("rb") as fh:
            while chunk := fh.read(1024 * 1024):
                yield chunk


def portal_import(path: Path, user, label: str, results: dict) -> dict:
    from cadre_portal.excel import services
    from cadre_portal.excel.models import ImportJob
    from cadre_portal.excel.reading import read_table
    from reserves.resources import NominationResource

    resource = NominationResource(user=user)
    t = time.perf_counter()
    table = read_table(path, resource.header_aliases(), resource.required_headers())
    parse_s = time.perf_counter() - t
    del table
    with measured(f"{label}_preview", results):
        job = services.start_import(user=user, registry_key="reserve_nominations", upload=Upload(path))
        job = services.run_preview(job.pk)
    assert job.error_rows == 0 and job.new_rows > 0, job.errors[:3]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.COMMITTING)
    from reserves import workflow

    inside = {"s": 0.0}
    original = workflow.create_drafts

    def timed_create_drafts(**kwargs):
        t0 = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            inside["s"] += time.perf_counter() - t0

    workflow.create_drafts = timed_create_drafts
    try:
        with measured(f"{label}_confirm", results):
            job = services.run_commit(job.pk)
    finally:
        workflow.create_drafts = original
    assert job.status == "done", job.message
    preview, confirm = results[f"{label}_preview"], results[f"{label}_confirm"]
    rows = job.new_rows
    total = preview["s"] + confirm["s"]
    summary = {
        "rows": rows, "parse_s": parse_s, "preview_s": preview["s"], "confirm_s": confirm["s"], "total_s": total,
        "rows_per_s": rows / total, "queries_per_row": (preview["queries"] + confirm["queries"]) / rows,
        "rss_growth_mb": preview["rss_growth_mb"] + confirm["rss_growth_mb"],
        "workflow_s": inside["s"],
    }
    print(f"[{label}] rows={rows} parse={parse_s:.3f}s preview={preview['s']:.3f}s confirm={confirm['s']:.3f}s "
          f"total={total:.3f}s rows/s={summary['rows_per_s']:.0f} queries={preview['queries']}+{confirm['queries']} "
          f"({summary['queries_per_row']:.4f}/row) rss_growth={summary['rss_growth_mb']:.1f}MB "
          f"[of confirm: {inside['s']:.3f}s inside reserves.workflow.create_drafts, "
          f"{confirm['s'] - inside['s']:.3f}s in the Excel path]", flush=True)
    return summary


FLOOR_COLUMNS = (
    ("name", "varchar(32)"), ("id_number", "varchar(18)"), ("birth_date", "date"), ("ethnicity", "varchar(2)"),
    ("political_status", "varchar(2)"), ("education", "varchar(2)"), ("village_id", "integer"),
    ("nomination_source", "varchar(2)"), ("current_occupation", "varchar(128)"),
)


def import_floor(path: Path, villages: list[tuple[str, int]]) -> float:
    """Read ``path`` with calamine and load the same rows, no validation (see the module
    docstring). The village name becomes its key by one dict lookup, as any loader must."""
    from django.db import transaction
    from python_calamine import CalamineWorkbook

    from cadre_portal import bulk

    village_ids = dict(villages)
    columns = [name for name, _type in FLOOR_COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS excel_floor")
        cursor.execute(f"CREATE TEMPORARY TABLE excel_floor ({', '.join(f'{n} {t}' for n, t in FLOOR_COLUMNS)})")
    started = time.perf_counter()
    data = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    rows = [(r[0], r[1], r[2], r[3], r[4], r[5], village_ids[r[6]], r[7], r[8]) for r in data[1:]]
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            lines = ["\t".join((a, b, c.isoformat(), d, e, f, str(g), h, i)) for a, b, c, d, e, f, g, h, i in rows]
            bulk._copy(connection, cursor, "excel_floor", columns, lines)
        else:
            cursor.executemany(f"INSERT INTO excel_floor VALUES ({', '.join(['%s'] * len(columns))})", rows)
    elapsed = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM excel_floor")
        loaded = cursor.fetchone()[0]
        cursor.execute("DROP TABLE excel_floor")
    assert loaded == len(rows) == 10_000, loaded
    print(f"[import_floor] rows={loaded} calamine+{'COPY' if connection.vendor == 'postgresql' else 'executemany'}"
          f"={elapsed:.3f}s", flush=True)
    return elapsed


def export_floor(cells: list, columns: int) -> float:
    """XlsxWriter writing ``cells`` (the exporter's own cells, in memory): the floor of an export."""
    import xlsxwriter

    with tempfile.TemporaryFile() as fh:
        started = time.perf_counter()
        workbook = xlsxwriter.Workbook(fh, {"constant_memory": True})
        sheet = workbook.add_worksheet("floor")
        day = workbook.add_format({"num_format": "yyyy-mm-dd"})
        write_string = sheet._write_string
        for col in range(columns):
            write_string(0, col, f"列{col}", None)
        for r, row in enumerate(cells, start=1):
            for col, value in enumerate(row):
                if type(value) is str:
                    write_string(r, col, value, None)
                elif value is None:
                    continue
                elif isinstance(value, date):
                    sheet.write_datetime(r, col, value, day)
                else:
                    sheet.write_number(r, col, float(value))
        workbook.close()
        return time.perf_counter() - started


def default_import(path: Path, results: dict) -> dict:
    """django-import-export with its defaults: tablib (openpyxl) read, dry run, then the real run."""
    import tablib
    from import_export import fields, resources, widgets

    from cadre_portal.models import Region
    from reserves.models import Candidate

    class PlainCandidateResource(resources.ModelResource):
        # The only change from the defaults: the village column holds names, not pks.
        village = fields.Field(attribute="village", column_name="village", widget=widgets.ForeignKeyWidget(Region, "name"))

        class Meta:
            model = Candidate
            fields = tuple(FIELDS)
            import_id_fields = ("id_number",)

    started = time.perf_counter()
    counter = Counter()
    with connection.execute_wrapper(counter):
        with path.open("rb") as fh:
            dataset = tablib.Dataset().load(fh.read(), format="xlsx")
        dataset.headers = FIELDS
        dry = PlainCandidateResource().import_data(dataset, dry_run=True, raise_errors=True)
        assert not dry.has_errors()
        real = PlainCandidateResource().import_data(dataset, dry_run=False, raise_errors=True)
        assert not real.has_errors() and not real.has_validation_errors()
    elapsed = time.perf_counter() - started
    rows = len(dataset)
    print(f"[default_10k] rows={rows} total={elapsed:.3f}s rows/s={rows / elapsed:.0f} queries={counter.n} "
          f"({counter.n / rows:.2f}/row)", flush=True)
    results["default_10k"] = {"s": elapsed}
    return {"total_s": elapsed}


def export_rows(user, count: int, results: dict) -> dict:
    from cadre_portal.excel.writing import write_export
    from reserves.models import Candidate
    from reserves.resources import NominationResource

    resource = NominationResource(user=user)
    last_pk = Candidate.objects.order_by("pk").values_list("pk", flat=True)[count - 1]
    queryset = resource.get_queryset().filter(pk__lte=last_pk)
    with tempfile.TemporaryFile() as fh, measured("export", results) as counter:
        n = write_export(fh, resource, resource.iter_export_rows(queryset))
        size = fh.tell()
    # A second, traced pass for the memory figure (tracing would distort the timing).
    with tempfile.TemporaryFile() as fh, measured("export_traced", results, trace_memory=True):
        write_export(fh, resource, resource.iter_export_rows(queryset))
    r = {**results["export"], "peak_mb": results["export_traced"]["peak_mb"]}
    cells = list(resource.iter_export_rows(queryset))
    r["floor_s"] = export_floor(cells, len(resource.export_columns()))
    print(f"[export_20k] rows={n} total={r['s']:.3f}s rows/s={n / r['s']:.0f} queries={counter.n} "
          f"python_peak={r['peak_mb']:.1f}MB (tracemalloc) rss_growth={r['rss_growth_mb']:.1f}MB "
          f"file={size / 1024 / 1024:.1f}MB; floor (XlsxWriter, same {sum(map(len, cells))} cells "
          f"in memory)={r['floor_s']:.3f}s", flush=True)
    return {"rows": n, **r}


def main():
    from cadre_portal.models import Region
    from cadre_portal.testing import make_personas, make_region
    from reserves.models import Candidate, Transition

    print(f"database: {connection.vendor} ({settings.DATABASES['default']['NAME']}), "
          f"EXCEL_MAX_ROWS={settings.EXCEL_MAX_ROWS}", flush=True)
    setup_test_environment()
    old_config = setup_databases(verbosity=0, interactive=False)
    workdir = Path(tempfile.mkdtemp(prefix="excel-bench-"))
    settings.EXCEL_IMPORT_DIR = str(workdir / "imports")
    try:
        print(f"test database: {connection.settings_dict['NAME']}", flush=True)
        personas = make_personas()
        town = personas.tree.township_a
        for i in range(3, 31):
            make_region(f"421223100{200 + i:03d}", f"第{i}村", Region.Level.VILLAGE, Region.Kind.VILLAGE, town)
        villages = list(Region.objects.filter(parent=town).values_list("name", "code"))
        village_ids = list(Region.objects.filter(parent=town).values_list("name", "pk"))
        officer = personas.officer_a

        t = time.perf_counter()
        file10 = workdir / "nominations_10k.xlsx"
        file50 = workdir / "nominations_50k.xlsx"
        write_file(file10, 10_000, 0, villages)
        if not QUICK:
            write_file(file50, 50_000, 100_000, villages)
        print(f"generated files in {time.perf_counter() - t:.1f}s: 10k={file10.stat().st_size / 1e6:.1f}MB"
              + ("" if QUICK else f" 50k={file50.stat().st_size / 1e6:.1f}MB"), flush=True)

        results: dict = {}
        floor10 = import_floor(file10, village_ids)
        ours10 = portal_import(file10, officer, "import_10k", results)
        if QUICK:
            export = export_rows(officer, 10_000, results)
            print(f"quick run (no 50k, no default resource): import_10k_s={ours10['total_s']:.2f} "
                  f"import_floor_s={floor10:.2f} import_floor_ratio={ours10['total_s'] / floor10:.1f} "
                  f"export_10k_s={export['s']:.2f} export_floor_s={export['floor_s']:.2f} "
                  f"export_floor_ratio={export['s'] / export['floor_s']:.2f}")
            return
        ours50 = portal_import(file50, officer, "import_50k", results)
        export = export_rows(officer, 20_000, results)

        # The same 10,000-row file through the default resource, on a table without those rows.
        first = {n for n in id_numbers(0, 10_000)}
        Transition.objects.filter(candidate__id_number__in=first).delete()
        Candidate.objects.filter(id_number__in=first).delete()
        default = default_import(file10, results)

        speedup = default["total_s"] / ours10["total_s"]
        import_ratio = ours10["total_s"] / floor10
        export_ratio = export["s"] / export["floor_s"]
        print(f"targets: import ≤ 2× floor: {import_ratio:.1f}×; ≥ 20× default: {speedup:.1f}×; "
              f"export ≤ 1.3× floor: {export_ratio:.2f}×; ≤ 0.05 queries/row: {ours10['queries_per_row']:.4f}; "
              f"export ≤ 20 MB: {export['peak_mb']:.1f}MB; 50k: {ours50['total_s']:.2f}s", flush=True)
        print(
            f"import_10k_s={ours10['total_s']:.2f} import_floor_s={floor10:.2f} import_floor_ratio={import_ratio:.1f} "
            f"default_10k_s={default['total_s']:.2f} speedup={speedup:.1f} "
            f"export_20k_s={export['s']:.2f} export_floor_s={export['floor_s']:.2f} export_floor_ratio={export_ratio:.2f} "
            f"export_peak_mb={export['peak_mb']:.1f}"
        )
    finally:
        teardown_databases(old_config, verbosity=0)
        teardown_test_environment()
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
