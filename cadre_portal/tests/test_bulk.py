"""cadre_portal.bulk writes what simple-history's bulk_create_with_history writes (COPY on
PostgreSQL, the library itself elsewhere), and the cached pinyin reads names as before."""

import random
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cadre_portal import bulk, pinyin
from cadre_portal.testing import make_id_number
from reserves.models import Attendance, Candidate, TrainingSession, Transition

on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY path: PostgreSQL only")

# Values that a text-format COPY must escape, and ones it must not touch.
AWKWARD = ["制表\t符", "换行\n第二行", "回车\r", "反斜杠\\N", "\\N", "\\", "引号\"'", "", " 首尾空格 ", "=1+1", "😀 表情"]


def candidates(village, n, *, offset=0):
    rows = []
    for i in range(n):
        text = AWKWARD[(i + offset) % len(AWKWARD)]
        rows.append(Candidate(
            name=f"王{'伟芳娜'[i % 3]}", id_number=make_id_number(date(1990, 1, 1 + i % 28)), village=village,
            sex="1", birth_date=date(1990, 1, 1 + i % 28) if i % 4 else None, education="21", nomination_source="2",
            current_occupation=text, inspection_opinion=text, submission_reason=f"第{i}行\n{text}",
            criteria={"讲政治": {"rating": "好", "note": text}, "n": i, "ok": True, "none": None} if i % 2 else {},
            key_training_object=bool(i % 2), training_start=date(2024, 3, 1) if i % 3 else None,
            priority_groups=",1,4," if i % 2 else "",
        ))
    for c in rows:
        c.fill_derived_fields()
    return rows


def comparable(model, pks, *, exclude=()):
    skip = {"id", "id_number", "created_at", "history_id", "history_date", "at", *exclude}
    rows = list(model.objects.filter(id__in=pks).order_by("id").values())
    return [{k: v for k, v in row.items() if k not in skip} for row in rows]


@pytest.mark.django_db
def test_candidate_rows_and_history_match_bulk_create_with_history(personas):
    user, village = personas.officer_a, personas.tree.village_a1
    theirs = bulk_create_with_history(candidates(village, 30), Candidate, default_user=user)
    started = timezone.now()
    ours = bulk.bulk_insert_with_history(candidates(village, 30), Candidate, user=user)
    finished = timezone.now()
    assert all(c.pk is not None and not c._state.adding for c in ours)
    ours_pks, theirs_pks = [c.pk for c in ours], [c.pk for c in theirs]
    assert comparable(Candidate, ours_pks) == comparable(Candidate, theirs_pks)
    assert comparable(Candidate.history.model, ours_pks) == comparable(Candidate.history.model, theirs_pks)
    # The instances hold what was written (pks, auto_now_add) and the history points at them.
    stored = {c.pk: c for c in Candidate.objects.filter(pk__in=ours_pks)}
    for c in ours:
        assert stored[c.pk].created_at == c.created_at
        assert stored[c.pk].current_occupation == c.current_occupation
        assert stored[c.pk].criteria == c.criteria
        assert started <= c.created_at <= finished
    history = list(Candidate.history.filter(id__in=ours_pks))
    assert len(history) == 30
    assert {h.history_type for h in history} == {"+"}
    assert {h.history_user_id for h in history} == {user.pk}
    assert {h.history_change_reason for h in history} == {None}
    assert all(started <= h.history_date <= finished for h in history)
    assert {h.id_number for h in history} == {c.id_number for c in ours}


@pytest.mark.django_db
def test_transition_and_decimal_rows_match(personas):
    user, village = personas.officer_a, personas.tree.village_a1
    people = bulk.bulk_insert_with_history(candidates(village, 6), Candidate, user=user)

    def transitions():
        return bulk.build(Transition, [
            {"candidate_id": c.pk, "from_stage": "", "to_stage": "draft", "action": "nominate", "by_id": user.pk,
             "opinion": f"Excel 导入\t{i}"} for i, c in enumerate(people)
        ])

    theirs = bulk_create_with_history(transitions(), Transition, default_user=user)
    ours = bulk.bulk_insert_with_history(transitions(), Transition, user=user)
    assert comparable(Transition, [t.pk for t in ours]) == comparable(Transition, [t.pk for t in theirs])
    assert (comparable(Transition.history.model, [t.pk for t in ours])
            == comparable(Transition.history.model, [t.pk for t in theirs]))
    assert all(t.at is not None for t in ours)

    session = TrainingSession.objects.create(date=date(2025, 3, 1), topic="专题", hours=Decimal("2.5"))
    rows = bulk.bulk_insert_with_history(
        [Attendance(session=session, candidate=c, hours=Decimal("2.5"), recorded_by=user) for c in people], Attendance, user=user
    )
    assert sorted(Attendance.objects.filter(pk__in=[a.pk for a in rows]).values_list("hours", flat=True)) == [Decimal("2.5")] * 6
    assert Attendance.history.filter(id__in=[a.pk for a in rows], history_user=user, history_type="+").count() == 6


@pytest.mark.django_db
def test_history_user_and_reason_from_the_instance(personas):
    user, other, village = personas.officer_a, personas.county_staff, personas.tree.village_a1
    first, second = candidates(village, 2)
    first._history_user = other
    second._change_reason = "批量导入"
    bulk.bulk_insert_with_history([first, second], Candidate, user=user)
    assert Candidate.history.get(id=first.pk).history_user_id == other.pk
    h = Candidate.history.get(id=second.pk)
    assert (h.history_user_id, h.history_change_reason) == (user.pk, "批量导入")


@pytest.mark.django_db
def test_without_history_and_empty_input(personas):
    user = personas.officer_a
    assert bulk.bulk_insert_with_history([], Candidate, user=user) == []
    people = bulk.bulk_insert_with_history(candidates(personas.tree.village_a1, 3), Candidate, user=user, history=False)
    assert Candidate.objects.filter(pk__in=[c.pk for c in people]).count() == 3
    assert not Candidate.history.filter(id__in=[c.pk for c in people]).exists()


@pytest.mark.django_db(transaction=True)
def test_unique_violation_is_django_integrity_error_and_writes_nothing(personas):
    user, village = personas.officer_a, personas.tree.village_a1
    existing = bulk.bulk_insert_with_history(candidates(village, 1), Candidate, user=user)[0]
    batch = candidates(village, 5)
    batch[3].id_number = existing.id_number  # a second open record for one person
    before = (Candidate.objects.count(), Candidate.history.count())
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            bulk.bulk_insert_with_history(batch, Candidate, user=user)
    assert (Candidate.objects.count(), Candidate.history.count()) == before


@pytest.mark.django_db
def test_refuses_nul_and_unsaved_related_objects(personas):
    user, village = personas.officer_a, personas.tree.village_a1
    if connection.vendor == "postgresql":  # as psycopg refuses NUL in bulk_create's INSERT (SQLite stores it)
        bad = candidates(village, 2)
        bad[1].inspection_opinion = "a\x00b"
        with pytest.raises(ValueError):
            with transaction.atomic():
                bulk.bulk_insert_with_history(bad, Candidate, user=user)
    person = candidates(village, 1)[0]
    with pytest.raises(ValueError):
        bulk.bulk_insert_with_history([Transition(candidate=person, to_stage="draft", action="nominate")], Transition, user=user)


@on_postgres
@pytest.mark.django_db
def test_postgres_uses_one_sequence_query_and_copy(personas):
    statements = []

    def spy(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(spy):
        bulk.bulk_insert_with_history(candidates(personas.tree.village_a1, 25), Candidate, user=personas.officer_a)
    # (the sequence's name is looked up once per process and table)
    statements = [s for s in statements if not s.startswith("SELECT pg_get_serial_sequence")]
    assert len(statements) == 3, statements
    assert "nextval" in statements[0]
    assert statements[1].startswith('COPY "reserves_candidate"')
    assert statements[2].startswith('COPY "reserves_historicalcandidate"')


@pytest.mark.django_db
def test_naive_datetimes_are_stored_as_local_time(personas):
    person = candidates(personas.tree.village_a1, 1)[0]
    person.created_at = datetime(2024, 5, 1, 8, 30)
    # auto_now_add wins, as in bulk_create.
    bulk.bulk_insert_with_history([person], Candidate, user=personas.officer_a)
    assert Candidate.objects.get(pk=person.pk).created_at.year == timezone.now().year


def test_build_gives_what_the_constructor_gives():
    row = {"name": "张三", "id_number": "x", "village_id": 5, "birth_date": date(1990, 1, 1), "education": "21"}
    a, b = Candidate(**row), bulk.build(Candidate, [row, dict(row)])
    for field in Candidate._meta.concrete_fields:
        assert getattr(b[0], field.attname) == getattr(a, field.attname), field.name
    assert b[0].criteria is not b[1].criteria  # callable defaults called per instance
    assert b[0]._state.adding and b[0].pk is None
    with pytest.raises(TypeError):
        bulk.build(Candidate, [{"nope": 1}])


def _old_name_syllables(name):
    from pypinyin import Style, lazy_pinyin

    name = (name or "").strip()
    if not name:
        return []
    for length in (2, 1):
        surname = name[:length]
        if len(name) > length and surname in pinyin.SURNAME_OVERRIDES:
            return pinyin.SURNAME_OVERRIDES[surname].split() + lazy_pinyin(name[length:], style=Style.NORMAL, errors="ignore")
    return lazy_pinyin(name, style=Style.NORMAL, errors="ignore")


def test_cached_pinyin_reads_names_exactly_as_pypinyin():
    from pypinyin.constants import PHRASES_DICT

    rnd = random.Random(4)
    chars = [chr(c) for c in range(0x4E00, 0x9FA6)]
    phrases = [k for k in PHRASES_DICT if 2 <= len(k) <= 3]
    surnames = list(pinyin.SURNAME_OVERRIDES)
    names = ["", "  ", "曾小明", "单田芳", "万俟卨", "长孙无忌", "重庆", "银行行长", "阿卜杜·热合曼", "张三 ", "Ａ李", "李1"]
    for _ in range(5000):
        names.append("".join(rnd.choice(chars) for _ in range(rnd.randint(1, 4))))
        names.append(rnd.choice(surnames) + rnd.choice(phrases))
        names.append(rnd.choice(phrases) + rnd.choice(chars) + "·" + rnd.choice(phrases))
    for name in names:
        expected = _old_name_syllables(name)
        assert pinyin.name_syllables(name) == expected, name
        assert pinyin.initials(name) == "".join(s[0] for s in expected if s).lower()
        assert pinyin.full_pinyin(name) == "".join(expected).lower()
    assert pinyin.initials(None) == "" and pinyin.full_pinyin(None) == ""


@pytest.mark.django_db
def test_values_given_as_text_are_read_as_django_reads_them(personas):
    person = candidates(personas.tree.village_a1, 1)[0]
    person.training_start = "2024-05-01"
    person.key_training_object = "False"
    bulk.bulk_insert_with_history([person], Candidate, user=personas.officer_a)
    stored = Candidate.objects.get(pk=person.pk)
    assert (stored.training_start, stored.key_training_object) == (date(2024, 5, 1), False)
