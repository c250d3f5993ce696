"""Grow a database to N people for benchmarks, through the project's bulk path.

    from bench.generate import generate
    counts = generate(people=100_000, shape="county")      # the demo county, 崇阳县
    counts = generate(people=2_000_000, shape="province")  # a synthetic province

Rows go in through ``cadre_portal.bulk`` (``COPY … FROM STDIN`` on PostgreSQL; the
library's ``bulk_create`` elsewhere), in batches, without per-row queries. The
data is coherent with the workflow's rules: every candidate has the transition
rows of the stages they passed, dated in order (nominated → submitted → filed →
two-year cycle → inspected → committee → filed → pool → appointed), attendance
only in sessions inside their cycle with the hours ledger summed from it,
appraisals for the cycle years they finished, pool entries, appointments with
their follow-up visits, and promotions into township leadership.

Shares: ``RESERVES_SHARE`` of the people are village reserve cadres; the young-cadre
bank and the talent registries take the rest when their generators are present
(``generate_youth`` / ``generate_talents`` below). ``history=True`` also writes
simple-history rows (slower; the scale benchmark wants them). Deterministic for a
given seed. Each batch is one transaction; each registry is generated only while
it is empty, so running ``generate`` again adds registries whose apps arrived
since (``existing()`` tells how many reserve cadres are there).
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

BATCH = 20_000
RESERVES_SHARE = 0.6
SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟强军磊洋勇杰涛超明浩鹏俊斌宇芳娜敏静丽燕霞婷玲琳雪慧颖倩华平刚红英"
# Stage mix of a pipeline in steady state (draft … removed).
STAGES = [
    ("draft", 3), ("submitted", 3), ("returned", 1), ("rejected", 2), ("training", 44), ("final_inspected", 2),
    ("committee_approved", 1), ("final_filed", 1), ("pool", 13), ("appointed", 25), ("removed", 5),
]
AFTER_END = {"final_inspected": 15, "committee_approved": 30, "final_filed": 45, "pool": 60, "appointed": 90}


def log(message: str) -> None:
    print(f"[generate {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Counts:
    regions: int = 0
    villages: int = 0
    candidates: int = 0
    transitions: int = 0
    attendance: int = 0
    appraisals: int = 0
    pool_entries: int = 0
    appointments: int = 0
    promotions: int = 0
    extra: dict = field(default_factory=dict)

    def line(self) -> str:
        parts = [f"{k}={v}" for k, v in self.__dict__.items() if k != "extra"]
        parts += [f"{k}={v}" for k, v in self.extra.items()]
        return " ".join(parts)


# --- regions ---------------------------------------------------------------------------------


def county_tree():
    """The demo county's real tree (崇阳县, 13 townships, 206 villages) from the fixture."""
    from cadre_portal import demo
    from cadre_portal.models import Region

    demo.load_regions()
    return Region.objects.get(code=demo.DEMO_COUNTY)


def province_tree(*, cities: int = 12, counties: int = 8, townships: int = 13, villages: int = 16):
    """A synthetic province (code 43xxxx) of cities → counties → townships → villages,
    written with the bulk path; names are generated, codes follow the national shape."""
    from cadre_portal.bulk import build, bulk_insert_with_history
    from cadre_portal.models import Region

    L, K = Region.Level, Region.Kind
    province = Region.objects.create(code="430000", name="样本省", level=L.PROVINCE, kind=K.PROVINCE)
    city_objs = build(Region, [
        dict(code=f"43{c:02d}00", name=f"第{c}市", level=L.CITY, kind=K.CITY, parent_id=province.pk,
             path=f"{province.path}43{c:02d}00/", sort_order=c) for c in range(1, cities + 1)])
    bulk_insert_with_history(city_objs, Region, user=None, history=False)
    county_objs = []
    for city in city_objs:
        for n in range(1, counties + 1):
            code = f"{city.code[:4]}{n:02d}"
            county_objs.append(dict(code=code, name=f"{city.name}第{n}县", level=L.COUNTY, kind=K.COUNTY,
                                    parent_id=city.pk, path=f"{city.path}{code}/", sort_order=n))
    county_objs = bulk_insert_with_history(build(Region, county_objs), Region, user=None, history=False)
    town_rows = []
    for county in county_objs:
        for n in range(100, 100 + townships):
            code = f"{county.code}{n:03d}"
            town_rows.append(dict(code=code, name=f"{county.name[-3:]}{n - 99}镇", level=L.TOWNSHIP, kind=K.TOWN,
                                  parent_id=county.pk, path=f"{county.path}{code}/", sort_order=n))
    town_objs = bulk_insert_with_history(build(Region, town_rows), Region, user=None, history=False)
    village_rows = []
    for town in town_objs:
        for n in range(201, 201 + villages):
            code = f"{town.code}{n:03d}"
            village_rows.append(dict(code=code, name=f"{town.name}{n - 200}村", level=L.VILLAGE, kind=K.VILLAGE,
                                     parent_id=town.pk, path=f"{town.path}{code}/", sort_order=n))
    for start in range(0, len(village_rows), BATCH):
        bulk_insert_with_history(build(Region, village_rows[start:start + BATCH]), Region, user=None, history=False)
    return province


# --- people ------------------------------------------------------------------------------------


class IdNumbers:
    """Distinct valid resident ID numbers: birth dates over 20 years × 1,000 sequence numbers
    per day and region code — 7.3 million per region code."""

    DAYS = 7300

    def __init__(self, region_code: str, first_birth: date):
        self.region, self.first = region_code, first_birth
        self.n = 0

    def next(self) -> tuple[str, date]:
        from cadre_portal import idcard

        i = self.n
        self.n += 1
        birth = self.first + timedelta(days=i % self.DAYS)
        sequence = (i // self.DAYS) % 1000
        return idcard.make(self.region, birth, sequence), birth


def _aware(day: date, hour: int = 10):
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day, dtime(hour, 0)))


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")


def _sessions(today: date, user):
    """The quarterly training calendar over the last four and a half years."""
    from cadre_portal.bulk import build, bulk_insert_with_history
    from reserves.models import TrainingSession

    # A resumed run reuses the calendar the interrupted one wrote.
    existing = list(TrainingSession.objects.filter(created_by=user, topic="集中学习培训", for_all=True).order_by("date"))
    if existing:
        return existing
    first = date(today.year - 5, 1, 15)
    rows, day = [], first
    while day <= today:
        rows.append(dict(date=day, topic="集中学习培训", hours=Decimal(24), place="县委党校", for_all=True,
                         created_by_id=user.pk))
        month = day.month + 3
        day = date(day.year + (month - 1) // 12, (month - 1) % 12 + 1, 15)
    return bulk_insert_with_history(build(TrainingSession, rows), TrainingSession, user=user, history=False)


def generate_reserves(n: int, villages: list, *, rng: random.Random, today: date, user, history: bool, counts: Counts,
                      skip: int = 0) -> None:
    """``n`` more reserve cadres; ``skip``: how many an interrupted run already wrote
    (their ID numbers are not handed out again)."""
    from django.db import transaction

    from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem

    grades = list(CodeItem.objects.filter(table=RESERVE_GRADE_TABLE).order_by("sort_order").values_list("pk", flat=True))
    grade_weights = [30, 65, 5][: len(grades)]
    sessions = _sessions(today, user)
    ids = IdNumbers("421223", date(1980, 1, 1))
    ids.n = skip
    names_cache: dict[str, tuple[str, str]] = {}

    done = 0
    while done < n:
        with transaction.atomic():
            done += _reserves_batch(min(BATCH, n - done), dict(
                rng=rng, today=today, user=user, history=history, counts=counts, villages=villages, grades=grades,
                grade_weights=grade_weights, sessions=sessions, ids=ids, names_cache=names_cache))
        log(f"reserves {skip + done:,}/{skip + n:,}")


class _Dated:
    """Let the bulk path keep the business timestamps the generator sets on
    ``auto_now_add`` fields (a transition's ``at``), instead of stamping "now"."""

    def __init__(self, *fields):
        self.fields = fields

    def __enter__(self):
        for f in self.fields:
            f.auto_now_add = False

    def __exit__(self, *exc):
        for f in self.fields:
            f.auto_now_add = True


def _reserves_batch(size, ctx) -> int:
    from cadre_portal.bulk import build, bulk_insert_with_history
    from cadre_portal.pinyin import search_keys
    from reserves.models import (
        Appointment, Appraisal, Attendance, Candidate, FollowUpVisit, PoolEntry, Promotion, Transition, hours_behind_from,
    )

    rng, today, user, history, counts = ctx["rng"], ctx["today"], ctx["user"], ctx["history"], ctx["counts"]
    villages, grades, grade_weights, sessions = ctx["villages"], ctx["grades"], ctx["grade_weights"], ctx["sessions"]
    ids, names_cache = ctx["ids"], ctx["names_cache"]
    stage_names, stage_weights = zip(*STAGES)
    people, plans = [], []
    for _ in range(size):
        stage = rng.choices(stage_names, stage_weights)[0]
        number, birth = ids.next()
        name = _name(rng)
        if name not in names_cache:
            names_cache[name] = search_keys(name)
        initials, pinyin = names_cache[name]
        village = villages[rng.randrange(len(villages))]
        row = dict(name=name, id_number=number, birth_date=birth, sex="1" if int(number[16]) % 2 else "2",
                   name_initials=initials, name_pinyin=pinyin, village_id=village.pk, stage=stage,
                   education=rng.choice(["21", "31", "37", "35"]), political_status=rng.choice(["01", "03", "13"]),
                   nomination_source=rng.choice(["1", "2", "3"]), nominated_by_id=user.pk)
        # Dates: how far back the cycle started depends on how far the person got.
        if stage in ("draft", "submitted", "returned", "rejected"):
            start = None
            nominated = today - timedelta(days=rng.randint(5, 120))
        elif stage == "training":
            start = today - timedelta(days=rng.randint(10, 729))
        elif stage == "removed":
            start = today - timedelta(days=rng.randint(200, 700))
        else:
            after = AFTER_END[stage]
            start = today - timedelta(days=730 + after + rng.randint(0, 500))
        if start is not None:
            nominated = start - timedelta(days=40)
            row.update(training_start=start, training_end=start + timedelta(days=730))
        people.append(row)
        plans.append((stage, nominated, start))
    objs = bulk_insert_with_history(build(Candidate, people), Candidate, user=user, history=history)

    transitions, attendance, appraisals, pool, appointments, promotions, ledger = [], [], [], [], [], [], []
    for c, (stage, nominated, start) in zip(objs, plans):
        def move(frm, to, action, day, hour=10):
            transitions.append(dict(candidate_id=c.pk, from_stage=frm, to_stage=to, action=action, by_id=user.pk,
                                    at=_aware(day, hour), opinion=""))
        move("", "draft", "nominate", nominated, 9)
        if stage == "draft":
            continue
        move("draft", "submitted", "submit", nominated + timedelta(days=10))
        if stage == "submitted":
            continue
        if stage == "returned":
            move("submitted", "returned", "return", nominated + timedelta(days=15))
            continue
        if stage == "rejected":
            move("submitted", "rejected", "reject", nominated + timedelta(days=15))
            continue
        move("submitted", "training", "file", start)
        end = start + timedelta(days=730)
        hours = Decimal(0)
        for s in sessions:
            if start <= s.date <= min(end, today) and rng.random() < 0.9:
                attendance.append(dict(session_id=s.pk, candidate_id=c.pk, hours=s.hours, recorded_by_id=user.pk))
                hours += s.hours
        ledger.append((c.pk, hours, start, end))
        for year in (1, 2):
            day = start + timedelta(days=365 * year - 15)
            if day <= today and stage != "removed":
                appraisals.append(dict(candidate_id=c.pk, year=year, appraised_on=day,
                                       grade_id=rng.choices(grades, grade_weights)[0], opinion="表现良好。",
                                       tallies={}, recorded_by_id=user.pk))
        if stage == "training":
            continue
        if stage == "removed":
            move("training", "removed", "withdraw", min(today, start + timedelta(days=rng.randint(100, 400))))
            continue
        order = ["final_inspected", "committee_approved", "final_filed", "pool", "appointed"]
        actions = {"final_inspected": "final_inspect", "committee_approved": "committee", "final_filed": "final_file",
                   "pool": "admit", "appointed": "appoint"}
        previous = "training"
        for step in order:
            day = end + timedelta(days=AFTER_END[step])
            move(previous, step, actions[step], day)
            if step == "pool":
                pool.append(dict(candidate_id=c.pk, admitted_on=day, direction="村党组织书记人选", intended_post="村党组织委员"))
            if step == "appointed":
                appointments.append((c.pk, day))
                if rng.random() < 0.06:
                    promotions.append(dict(candidate_id=c.pk, date=min(today, day + timedelta(days=rng.randint(200, 500))),
                                           post="乡镇党委委员", unit="乡镇", kind="township_leadership"))
            previous = step
            if step == stage:
                break

    with _Dated(Transition._meta.get_field("at")):
        bulk_insert_with_history(build(Transition, transitions), Transition, user=user, history=history)
    for start_i in range(0, len(attendance), BATCH * 4):
        bulk_insert_with_history(build(Attendance, attendance[start_i:start_i + BATCH * 4]), Attendance, user=user, history=history)
    bulk_insert_with_history(build(Appraisal, appraisals), Appraisal, user=user, history=history)
    bulk_insert_with_history(build(PoolEntry, pool), PoolEntry, user=user, history=history)
    appointment_objs = bulk_insert_with_history(
        build(Appointment, [dict(candidate_id=pk, occasion="election", post="村（社区）党组织委员", appointed_on=day, by_id=user.pk)
                            for pk, day in appointments]), Appointment, user=user, history=history)
    visits = []
    for a in appointment_objs:
        due = a.appointed_on + timedelta(days=365)
        visited = due - timedelta(days=10) if due - timedelta(days=10) <= today else None
        visits.append(dict(appointment_id=a.pk, candidate_id=a.candidate_id, due_date=due, visited_on=visited,
                           result="good" if visited else "", recorded_by_id=user.pk if visited else None))
    bulk_insert_with_history(build(FollowUpVisit, visits), FollowUpVisit, user=user, history=history)
    bulk_insert_with_history(build(Promotion, promotions), Promotion, user=user, history=history)
    _write_ledger(ledger, hours_behind_from)

    counts.candidates += len(objs)
    counts.transitions += len(transitions)
    counts.attendance += len(attendance)
    counts.appraisals += len(appraisals)
    counts.pool_entries += len(pool)
    counts.appointments += len(appointment_objs)
    counts.promotions += len(promotions)
    return size


def _write_ledger(ledger, behind_from) -> None:
    """The stored hours ledger (hours attended, the pace date), as the workflow keeps it."""
    from django.db import connection

    from reserves.models import Candidate

    if not ledger:
        return
    fields = {f.attname for f in Candidate._meta.concrete_fields}
    if "hours_attended" not in fields:
        return
    has_pace = "hours_behind_from" in fields
    table = Candidate._meta.db_table
    rows = [(pk, hours, behind_from(hours, start, end) if has_pace else None) for pk, hours, start, end in ledger]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CREATE TEMP TABLE IF NOT EXISTS _ledger (id bigint, hours numeric, behind date) ON COMMIT DROP")
            from io import StringIO

            buffer = StringIO("".join(f"{pk}\t{h}\t{b.isoformat() if b else chr(92) + 'N'}\n" for pk, h, b in rows))
            cursor.copy_expert("COPY _ledger FROM STDIN", buffer)
            setter = "hours_attended = l.hours" + (", hours_behind_from = l.behind" if has_pace else "")
            cursor.execute(f'UPDATE "{table}" c SET {setter} FROM _ledger l WHERE c.id = l.id')
            cursor.execute("TRUNCATE _ledger")
        else:
            for pk, h, b in rows:
                Candidate.objects.filter(pk=pk).update(hours_attended=h, **({"hours_behind_from": b} if has_pace else {}))


# --- the young-cadre bank -----------------------------------------------------------------------------

YOUTH_SHARE = 0.25
UNIT_KINDS = ["party_gov"] * 18 + ["institution"] * 8 + ["soe"] * 2 + ["enterprise"] * 2
BANK_STATUSES = [("in_bank", 60), ("appointed", 25), ("transferred", 5), ("recommended", 5), ("inspecting", 5)]


def generate_youth(people, root, *, rng, today, user, history, counts):
    """Units of every county (30 each: organs, institutions, enterprises) and township
    (党委, 政府), four leadership posts per unit, ``YOUTH_SHARE`` of the people as cadres
    with plausible levels and dates, a third of them in the bank (entered, appointed
    from it, transferred out, or still recommended/under inspection)."""
    try:
        from youth_cadres.models import Appointment, BankEntry, Cadre, Post
    except ImportError:
        return
    from cadre_portal.bulk import build, bulk_insert_with_history
    from cadre_portal.models import Region, Unit
    from cadre_portal.pinyin import search_keys

    if Cadre.objects.exists():
        return
    n = int(people * YOUTH_SHARE)
    regions = list(Region.objects.filter(path__startswith=root.path, level__in=[Region.Level.COUNTY, Region.Level.TOWNSHIP]).only("pk", "level", "name"))
    unit_rows = []
    for region in regions:
        if region.level == Region.Level.COUNTY:
            unit_rows += [dict(name=f"{region.name}第{i + 1}单位", kind=kind, region_id=region.pk, sort_order=i) for i, kind in enumerate(UNIT_KINDS)]
        else:
            unit_rows += [dict(name=f"中共{region.name}委员会", kind="party_gov", region_id=region.pk),
                          dict(name=f"{region.name}人民政府", kind="party_gov", region_id=region.pk, sort_order=1)]
    units = []
    for start in range(0, len(unit_rows), BATCH):
        units += bulk_insert_with_history(build(Unit, unit_rows[start:start + BATCH]), Unit, user=user, history=history)
    post_rows = [dict(unit_id=u.pk, title=title, level=level, headcount=rng.choice([1, 1, 2]), sort_order=i)
                 for u in units for i, (title, level) in enumerate([("主要负责人", "141"), ("副职（一）", "142"), ("副职（二）", "142"), ("中层正职", "150")])]
    posts = []
    for start in range(0, len(post_rows), BATCH):
        posts += bulk_insert_with_history(build(Post, post_rows[start:start + BATCH]), Post, user=user, history=history)
    posts_by_unit: dict[int, list] = {}
    for post in posts:
        posts_by_unit.setdefault(post.unit_id, []).append(post)
    ids = IdNumbers("421224", date(1980, 1, 1))
    statuses, weights = zip(*BANK_STATUSES)
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows = []
        for _ in range(size):
            number, birth = ids.next()
            name = _name(rng)
            initials, pinyin = search_keys(name)
            unit = units[rng.randrange(len(units))]
            tags = rng.choice(["", "", "", ",selected,", ",elite,", ",professional,"])
            rows.append(dict(name=name, id_number=number, birth_date=birth, sex="1" if int(number[16]) % 2 else "2",
                             name_initials=initials, name_pinyin=pinyin, unit_id=unit.pk,
                             post_level=rng.choice(["131", "132", "141", "142", "150"]), current_post="科长",
                             level_since=today - timedelta(days=rng.randint(200, 3000)),
                             work_start=birth + timedelta(days=365 * 22 + rng.randint(0, 900)), tags=tags,
                             education=rng.choice(["11", "14", "21", "21", "31"])))
        cadres = bulk_insert_with_history(build(Cadre, rows), Cadre, user=user, history=history)
        entries, plans = [], []
        for cadre in cadres:
            if rng.random() > 0.35:
                continue
            status = rng.choices(statuses, weights)[0]
            recommended = today - timedelta(days=rng.randint(30, 1500))
            entry = dict(cadre_id=cadre.pk, status=status, source="department", recommended_on=recommended, created_by_id=user.pk)
            if status in ("in_bank", "appointed", "transferred"):
                entry["entry_date"] = min(today, recommended + timedelta(days=60))
            if status in ("appointed", "transferred"):
                entry["exit_date"] = min(today, entry["entry_date"] + timedelta(days=rng.randint(60, 700)))
            entries.append(entry)
            plans.append((cadre, status, entry.get("exit_date")))
        entry_objs = bulk_insert_with_history(build(BankEntry, entries), BankEntry, user=user, history=history)
        appointments = [
            dict(cadre_id=cadre.pk, post_id=rng.choice(posts_by_unit[cadre.unit_id]).pk, bank_entry_id=entry.pk,
                 appointed_on=exit_date, created_by_id=user.pk)
            for entry, (cadre, status, exit_date) in zip(entry_objs, plans) if status == "appointed"
        ]
        bulk_insert_with_history(build(Appointment, appointments), Appointment, user=user, history=history)
        counts.extra["cadres"] = counts.extra.get("cadres", 0) + len(cadres)
        counts.extra["bank_entries"] = counts.extra.get("bank_entries", 0) + len(entry_objs)
        counts.extra["bank_appointments"] = counts.extra.get("bank_appointments", 0) + len(appointments)
        done += size
        log(f"young cadres {done:,}/{n:,}")


# --- the five-domain talent registries ----------------------------------------------------------------

TALENTS_SHARE = 0.15
PLATFORMS_PER_COUNTY = 24
ORGS_PER_COUNTY = 30


def generate_talents(people, root, *, rng, today, user, history, counts):
    """``TALENTS_SHARE`` of the people as talents of the five domains (each domain's
    categories; half recruited through a channel on a date, half cultivated locally),
    each with its status-change row, supports for the agricultural ones, platforms of
    every kind per county with status rows and served enterprises, and arts
    organizations with their state rows."""
    try:
        from talents import codes as talent_codes
        from talents.models import ArtsOrganization, OrgStateChange, Platform, PlatformStatusChange, Support, Talent, TalentStatusChange
    except ImportError:
        return
    from cadre_portal.bulk import build, bulk_insert_with_history
    from cadre_portal.models import CodeItem, Domain, Region, Unit
    from cadre_portal.pinyin import search_keys

    if Talent.objects.exists():
        return
    n = int(people * TALENTS_SHARE)
    counties = list(Region.objects.filter(path__startswith=root.path, level=Region.Level.COUNTY).only("pk", "path"))
    categories = {d: list(CodeItem.objects.filter(table=talent_codes.category_table(d)).values_list("pk", flat=True))
                  for d in Domain.values}
    channels = list(CodeItem.objects.filter(table=talent_codes.CHANNEL_TABLE).values_list("pk", flat=True))
    units_by_county: dict[int, list[int]] = {}
    for pk, path in Unit.objects.filter(region__path__startswith=root.path).values_list("pk", "region__path"):
        county = next((c.pk for c in counties if path.startswith(c.path)), None)
        units_by_county.setdefault(county, []).append(pk)
    domains = [d for d in Domain.values if categories[d]]
    if not domains or not channels:
        return
    ids = IdNumbers("421281", date(1965, 1, 1))
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows = []
        for _ in range(size):
            number, birth = ids.next()
            name = _name(rng)
            initials, pinyin = search_keys(name)
            domain = domains[rng.randrange(len(domains))]
            county = counties[rng.randrange(len(counties))]
            recruited = rng.random() < 0.5
            row = dict(name=name, id_number=number, birth_date=birth, sex="1" if int(number[16]) % 2 else "2",
                       name_initials=initials, name_pinyin=pinyin, domain=domain, category_id=rng.choice(categories[domain]),
                       region_id=county.pk, origin="recruited" if recruited else "local", status="on_post",
                       workplace="本县单位", created_by_id=user.pk)
            if recruited:
                row.update(channel_id=rng.choice(channels), recruited_on=today - timedelta(days=rng.randint(10, 1800)))
            rows.append(row)
        talents = bulk_insert_with_history(build(Talent, rows), Talent, user=user, history=history)
        changes = [dict(talent_id=t.pk, from_status="", to_status="on_post", on=t.recruited_on or today - timedelta(days=2000), by_id=user.pk)
                   for t in talents]
        with _Dated(TalentStatusChange._meta.get_field("at")):
            bulk_insert_with_history(build(TalentStatusChange, [dict(c, at=_aware(c["on"])) for c in changes]),
                                     TalentStatusChange, user=user, history=history)
        supports = [dict(talent_id=t.pk, date=today - timedelta(days=rng.randint(10, 1000)), kind=rng.choice(["subsidy", "alliance"]),
                         amount=Decimal(rng.randint(5, 50) * 1000), recorded_by_id=user.pk)
                    for t in talents if t.domain == "agriculture" and rng.random() < 0.5]
        bulk_insert_with_history(build(Support, supports), Support, user=user, history=history)
        counts.extra["talents"] = counts.extra.get("talents", 0) + len(talents)
        done += size
        log(f"talents {done:,}/{n:,}")

    kinds = [k for k, _ in Platform.Kind.choices]
    domain_of = {"teacher_studio": "education", "doctor_studio": "medical", "expert_team": "medical", "chest_pain_center": "medical",
                 "stroke_center": "medical", "maternal_center": "medical", "neonatal_center": "medical", "tcm_specialty": "medical",
                 "artist_studio": "culture"}
    platform_rows, org_rows = [], []
    for county in counties:
        units = units_by_county.get(county.pk) or []
        if not units:
            continue
        for i in range(PLATFORMS_PER_COUNTY):
            kind = kinds[i % len(kinds)]
            platform_rows.append(dict(name=f"平台{county.pk}-{i + 1}", kind=kind, domain=domain_of.get(kind, "industry"),
                                      host_unit_id=rng.choice(units), level=rng.choice(["province", "city", "county", ""]),
                                      established_on=today - timedelta(days=rng.randint(100, 2500)), status="active", created_by_id=user.pk))
        for i in range(ORGS_PER_COUNTY):
            org_rows.append(dict(name=f"文艺组织{county.pk}-{i + 1}", kind="mass_team", responsible_unit_id=rng.choice(units),
                                 region_id=county.pk, state="registered", founded_on=today - timedelta(days=rng.randint(100, 5000)),
                                 created_by_id=user.pk))
    platforms = bulk_insert_with_history(build(Platform, platform_rows), Platform, user=user, history=history)
    with _Dated(PlatformStatusChange._meta.get_field("at")):
        bulk_insert_with_history(build(PlatformStatusChange, [
            dict(platform_id=p.pk, from_status="", to_status="active", on=p.established_on, by_id=user.pk, at=_aware(p.established_on))
            for p in platforms]), PlatformStatusChange, user=user, history=history)
    served = Platform.served_units.through
    served.objects.bulk_create([served(platform_id=p.pk, unit_id=p.host_unit_id) for p in platforms])
    orgs = bulk_insert_with_history(build(ArtsOrganization, org_rows), ArtsOrganization, user=user, history=history)
    with _Dated(OrgStateChange._meta.get_field("at")):
        bulk_insert_with_history(build(OrgStateChange, [
            dict(organization_id=o.pk, from_state="", to_state="registered", on=o.founded_on, by_id=user.pk, at=_aware(o.founded_on))
            for o in orgs]), OrgStateChange, user=user, history=history)
    counts.extra["platforms"] = len(platforms)
    counts.extra["arts_organizations"] = len(orgs)


# --- entry point -----------------------------------------------------------------------------------


def existing() -> int:
    from reserves.models import Candidate

    return Candidate.objects.count()


def generate(people: int, *, shape: str = "county", seed: int = 1, history: bool = False, reserves: int | None = None) -> Counts:
    """Fill an empty database with ``people`` people (see the module docstring).
    ``reserves``: the number of reserve cadres (default ``RESERVES_SHARE`` of the people);
    a run interrupted while writing them goes on from where it stopped (each batch is
    committed), the other registries are all-or-nothing."""
    from django.db import transaction

    from cadre_portal.codes import seed_code_items
    from cadre_portal.models import CodeItem, Region, Role, User

    rng = random.Random(seed)
    today = date.today()
    counts = Counts()
    started = time.monotonic()
    seed_code_items(CodeItem)
    if shape == "county":
        root = county_tree()
    else:
        root = Region.objects.filter(code="430000").first() or province_tree()
    villages = list(Region.objects.filter(path__startswith=root.path, level=Region.Level.VILLAGE).only("pk"))
    counts.regions = Region.objects.filter(path__startswith=root.path).count()
    counts.villages = len(villages)
    log(f"{shape}: {counts.villages:,} villages")
    user, _ = User.objects.get_or_create(username="bench_staff", defaults=dict(role=Role.COUNTY_STAFF, region=root, full_name="基准测试"))
    # Each registry is generated only while it is empty, so a later run adds the
    # registries of apps that arrived since (and an interrupted run can go on).
    target, have = (int(people * RESERVES_SHARE) if reserves is None else reserves), existing()
    if have < target:
        if have:
            log(f"resuming reserves at {have:,}")
            rng = random.Random(seed * 1_000_003 + have)
        generate_reserves(target - have, villages, rng=rng, today=today, user=user, history=history, counts=counts, skip=have)
    for name in ("generate_youth", "generate_talents"):
        hook = globals().get(name)
        if hook is not None:
            with transaction.atomic():
                hook(people, root, rng=rng, today=today, user=user, history=history, counts=counts)
    log(f"done in {time.monotonic() - started:.0f} s: {counts.line()}")
    return counts


if __name__ == "__main__":
    import argparse
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cadre_portal.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser(description="Generate N people into the database of DATABASE_URL (empty, migrated).")
    parser.add_argument("people", type=int)
    parser.add_argument("--shape", choices=["county", "province"], default="county")
    parser.add_argument("--history", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.people, shape=args.shape, seed=args.seed, history=args.history).line())
