"""Excel registries of the village reserve cadres: nominations, training attendance,
annual appraisals.

Stages are never read from a file. Township officers' nominations come in as
drafts (``workflow.create_drafts``); county staff import existing records into a
stage they state on the upload form, with a note, through
``workflow.import_at_stage`` (recorded as an import). Attendance goes through
``workflow.record_attendance``. Appraisals do not move the stage; they are
written here under the same rules as the record form (trainees in scope only).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django import forms
from django.db.models import Case, Value, When
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadre_portal import codes, idcard
from cadre_portal.bulk import build
from cadre_portal.excel.columns import (
    CellError,
    CodeColumn,
    Column,
    DateColumn,
    IDNumberColumn,
    IntegerColumn,
    MultiCodeColumn,
    PersonNameColumn,
    RegionColumn,
    SexColumn,
    TextColumn,
)
from cadre_portal.excel.reading import clean_text
from cadre_portal.excel.resources import ExcelResource, ImportRefused, register
from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem, Region
from reserves import workflow
from reserves.models import (
    TWO_COMMITTEE_POSTS,
    Appointment,
    Appraisal,
    Attendance,
    Candidate,
    FollowUpVisit,
    TrainingSession,
    appraisal_problems,
    nominee_age_check,
)
from reserves.tables import CandidateTable

S = Candidate.Stage
NOT_IN_SCOPE = "该身份证号码不在您管辖范围内的后备干部中，请核对。"


class PriorityGroupsColumn(MultiCodeColumn):
    """Stored ",1,4," (see ``Candidate.set_priority_groups``); written 本村致富能手、退役军人."""

    def parse(self, raw, ctx):
        joined = super().parse(raw, ctx)
        return f",{joined}," if joined else ""

    def to_cell(self, values, ctx):
        return super().to_cell(((values[0] or "").strip(","),), ctx)


class CriterionColumn(CodeColumn):
    """The township inspection's rating (好/较好/一般/差) on one of the five aspects of the
    selection standard, kept in ``Candidate.criteria`` ({aspect: {rating, note}}); the
    rows compare and write ratings only (notes stay as typed on the inspection form)."""

    def __init__(self, code, name, **kw):
        super().__init__("criteria", f"{name}（考察测评等次）", choices=codes.DEMOCRATIC_RATING, target=f"criterion:{code}",
                         export_paths=("criteria",), compare_path="criteria", width=10,
                         note="好、较好、一般、差；乡镇考察测评后填写，提交审查备案前须五项填齐", **kw)
        self.code = code

    def to_cell(self, values, ctx):
        return ((values[0] or {}).get(self.code) or {}).get("rating") or None


def _criterion_columns():
    return {f"criterion_{i}": CriterionColumn(code, name) for i, (code, name) in enumerate(codes.SELECTION_CRITERIA)}


def _ratings(criteria) -> dict:
    return {code: ((criteria or {}).get(code) or {}).get("rating", "") for code, _ in codes.SELECTION_CRITERIA}


class StageColumn(Column):
    """Export only: the stage is shown, never imported."""

    def __init__(self, **kw):
        super().__init__("stage", "所处阶段", importable=False, width=18, **kw)

    def to_cell(self, values, ctx):
        return S(values[0]).label if values[0] else None


class NominationOptionsForm(forms.Form):
    """County staff state the stage the imported records are in, and why."""

    stage = forms.ChoiceField(label="导入后所处阶段", choices=[("", "请选择")] + [(s, S(s).label) for s in workflow.IMPORT_STAGES],
                              help_text="培养中须填培养起止日期；储备库须填使用方向；已任用须填任用职务、任用时机和任用日期。")
    note = forms.CharField(label="导入说明（数据来源）", max_length=200,
                           help_text="如“2024年换届前建立的后备干部名册，经部务会审定”。将记入每人的流程记录。")

    def __init__(self, user, data=None):
        super().__init__(data)
        if not getattr(user, "is_county_staff", False):
            self.fields.clear()

    def options(self) -> dict:
        return {"stage": self.cleaned_data["stage"], "note": self.cleaned_data["note"]} if self.fields else {}


def candidate_filter():
    from reserves.filters import CandidateFilter

    return CandidateFilter


@register
class NominationResource(ExcelResource):
    key = "reserve_nominations"
    title = "后备干部推荐名单"
    description = "村（社区）后备干部推荐人选：乡镇导入为草稿；县委组织部可按指定阶段导入历史名册。"
    order = 40
    import_roles = ("township_officer", "county_staff")
    export_roles = ("township_officer", "county_staff")
    natural_key = ("id_number",)
    list_url_name = "reserves:list"
    list_table_class = CandidateTable  # an export carrying the list's sort follows it
    options_form_class = NominationOptionsForm
    import_note = ("推荐方式和讲政治、重品行、测素能、评表现、访口碑五个方面的考察测评等次须在提交审查备案前填齐。"
                   "乡镇组织委员导入的推荐人选为草稿，需录入考察测评结果后再提交县委组织部审查备案；"
                   "县委组织部干部导入历史名册时须选择导入后所处阶段并填写导入说明。")

    name = PersonNameColumn("name", "姓名", required=True)
    id_number = IDNumberColumn(required=True)
    sex = SexColumn(id_of="id_number", note="可不填，按身份证号码判断")
    birth_date = DateColumn("birth_date", "出生日期", aliases=("出生年月",), birth_of="id_number",
                            note="可不填，按身份证号码判断；只填到月份时须与身份证号码的年月一致")
    ethnicity = CodeColumn("ethnicity", "民族", choices=codes.ETHNICITY, width=8, note="不填视为汉族")
    political_status = CodeColumn("political_status", "政治面貌", choices=codes.POLITICAL_STATUS, width=12)
    education = CodeColumn("education", "学历", choices=codes.EDUCATION, width=12)
    degree = CodeColumn("degree", "学位", choices=codes.DEGREE, width=10)
    phone = TextColumn("phone", "联系电话", max_length=20, aliases=("手机号码", "电话"))
    native_place = TextColumn("native_place", "籍贯", max_length=64)
    village = RegionColumn("village", "所在村（社区）", levels=(5,), required=True, aliases=("村（社区）", "所在村", "村"))
    nomination_source = CodeColumn("nomination_source", "推荐方式", choices=codes.NOMINATION_SOURCE, width=10,
                                   note="提交审查备案前须填写")
    priority_groups = PriorityGroupsColumn("priority_groups", "优先选定群体", choices=codes.PRIORITY_GROUP, width=24)
    current_occupation = TextColumn("current_occupation", "现从事职业", max_length=128, width=18)
    locals().update(_criterion_columns())
    # What a county import at a stage brings (``workflow.StageData``); a township's drafts ignore them.
    training_start = DateColumn("training_start", "培养开始日期", allow_month=False, note="按阶段导入为“培养中”时必填")
    training_end = DateColumn("training_end", "培养结束日期", allow_month=False, note="按阶段导入为“培养中”时必填")
    pool_direction = TextColumn("pool_entry__direction", "使用方向", max_length=200, target="stage:direction",
                                compare_path="pool_entry__direction", note="按阶段导入为“储备库”时必填")
    pool_intended_post = TextColumn("pool_entry__intended_post", "拟任岗位", max_length=100, target="stage:intended_post",
                                    compare_path="pool_entry__intended_post", width=18, note="村“两委”职务")
    pool_admitted_on = DateColumn("pool_entry__admitted_on", "入库日期", allow_month=False, target="stage:admitted_on",
                                  compare_path="pool_entry__admitted_on")
    appointment_post = CodeColumn("appointments__post", "任用职务", choices=TWO_COMMITTEE_POSTS, target="stage:post",
                                  exportable=False, compare_path="pk", note="按阶段导入为“已任用”时必填", width=18)
    appointment_occasion = CodeColumn("appointments__occasion", "任用时机", choices=Appointment.Occasion.choices,
                                      target="stage:occasion", exportable=False, compare_path="pk",
                                      note="按阶段导入为“已任用”时必填")
    appointment_date = DateColumn("appointments__appointed_on", "任用日期", allow_month=False, target="stage:appointed_on",
                                  exportable=False, compare_path="pk", note="按阶段导入为“已任用”时必填")
    visit_date = DateColumn("follow_ups__visited_on", "回访日期", allow_month=False, target="stage:visited_on",
                            exportable=False, compare_path="pk", note="已完成首年度回访的填写")
    visit_result = CodeColumn("follow_ups__result", "回访结果", choices=FollowUpVisit.Result.choices,
                              target="stage:visit_result", exportable=False, compare_path="pk")
    stage = StageColumn()

    class Meta:
        model = Candidate
        fields = ("name", "id_number", "sex", "birth_date", "ethnicity", "political_status", "education", "degree",
                  "phone", "native_place", "village", "nomination_source", "priority_groups", "current_occupation",
                  *_criterion_columns().keys(), "training_start", "training_end", "pool_direction", "pool_intended_post",
                  "pool_admitted_on", "appointment_post", "appointment_occasion", "appointment_date", "visit_date",
                  "visit_result", "stage")

    def get_filterset_class(self):
        return candidate_filter()

    def filterset_kwargs(self):
        return {"user": self.user}

    def export_order(self):
        return ("village__path", "name", "pk")

    def match_queryset(self):
        """Every record in scope, whatever its stage, so an exported file re-imports as
        unchanged. A person may have several records (an old rejected one and a later
        nomination): the base ``existing`` keeps the last per key, so the open record comes
        last, and among closed ones the newest."""
        is_open = Case(When(stage__in=Candidate.OPEN_STAGES, then=Value(1)), default=Value(0))
        return self.get_queryset().order_by(is_open, "pk")

    def existing_fields(self):
        return ["stage"]

    def check_row(self, row):
        # Sex and birth date are checked against the ID number by their columns.
        if "ethnicity" in row.present and not row.values.get("ethnicity"):
            row.values["ethnicity"] = "01"  # empty means 汉族, so a re-import compares equal
        if not self.ctx.options.get("stage"):  # a township's drafts carry no later-stage data
            dropped = {"training_start", "training_end"} | {t for t in row.present if t.startswith("stage:")}
            row.present = [t for t in row.present if t not in dropped]
            for t in dropped:
                row.values.pop(t, None)
        # The five ratings become one value, compared and written as ratings.
        ratings = {}
        for target in [t for t in row.present if t.startswith("criterion:")]:
            ratings[target.split(":", 1)[1]] = row.values.pop(target, "")
        if ratings:
            row.values["criteria"] = {code: ratings.get(code, "") for code, _ in codes.SELECTION_CRITERIA}
            row.present = [t for t in row.present if not t.startswith("criterion:")] + ["criteria"]

    def _check_stage_data(self, row):
        """A row that a county import would create at a stage must bring that stage's data;
        the message names the missing column."""
        stage = self.ctx.options.get("stage")
        if not stage:
            return
        candidate = Candidate(training_start=row.values.get("training_start"), training_end=row.values.get("training_end"))
        headers = {c.target: c.header for c in self.import_columns()}
        for name, message in workflow.stage_data_problems(candidate, _stage_data(row.values), stage):
            target = name if name.startswith("training_") else f"stage:{name}"
            row.error(headers.get(target, name), message)

    def existing(self, keys):
        records = super().existing(keys)
        for record in records.values():
            for t in [t for t in record if t.startswith("stage:") and t.split(":")[1] not in ("direction", "intended_post", "admitted_on")]:
                del record[t]  # appointment columns are import-only: nothing to compare
            found = [t for t in record if t.startswith("criterion:")]
            if found:
                record["criteria"] = _ratings(record[found[0]])
                for t in found:
                    del record[t]
        return records

    def check_new(self, row):
        """A new nominee under the minimum age is refused, as on the form; an age outside
        the usual band is a warning in the preview (and on the person's page); a county import at a
        stage must bring that stage's data."""
        birth = row.values.get("birth_date")
        if birth is None and row.values.get("id_number"):
            try:
                birth = idcard.parse(row.values["id_number"]).birth_date
            except idcard.IDNumberError:
                birth = None
        check = nominee_age_check(birth)
        if check is not None:
            header = "出生日期" if "birth_date" in row.present else "身份证号码"
            if check[0] == "refuse":
                row.error(header, check[1])
            else:
                row.warn(header, check[1] + "请核实后再确认导入；导入后人员页面会显示此提示。")
        self._check_stage_data(row)

    def outside_scope(self, keys):
        """Open records outside the scope: refused with the workflow's own duplicate message,
        which says neither where nor in which stage the person is."""
        numbers = [k[0] for k in keys]
        return {
            (n,) for n in Candidate.objects.filter(id_number__in=numbers, stage__in=Candidate.OPEN_STAGES)
            .values_list("id_number", flat=True)
        }

    OUTSIDE_SCOPE_MESSAGE = workflow.DUPLICATE_MESSAGE
    refusal_types = (workflow.WorkflowError,)

    def check_existing(self, row, record):
        """A matching row that changes nothing is "unchanged" in any stage. Changes are
        accepted only for drafts and returned nominations (and never by a staged import)."""
        if row.status != "update":
            return
        stage = record.get("stage")
        if stage not in Candidate.OPEN_STAGES:
            row.error("身份证号码", f"{Candidate.where(stage)}，记录已经办结：导入不能修改该记录，也不能据此重新推荐；"
                                "如需重新推荐，请在系统中逐人填报。")
        elif stage not in Candidate.EDITABLE_STAGES:
            row.error("身份证号码", f"{Candidate.where(stage)}，不能通过导入修改；如需更正请联系县委组织部。")
        elif self.ctx.options.get("stage"):
            row.error("身份证号码", "按阶段导入只能新增人员，该身份证号码已在名单中。")

    def recheck(self, new, updated):
        """Open records anywhere in the county (another township may have entered one since
        the preview), and updated records that left the editable stages."""
        errors = [(row.number, "身份证号码", workflow.DUPLICATE_MESSAGE) for row in self._taken(new)]
        if updated:
            editable = set(self.match_queryset().filter(pk__in=[r.pk for r in updated], stage__in=Candidate.EDITABLE_STAGES)
                           .values_list("pk", flat=True))
            errors += [(row.number, "身份证号码", "该人员在预览之后已提交或变更，不能再通过导入修改，请重新上传文件并预览。")
                       for row in updated if row.pk not in editable]
        return errors

    def _taken(self, rows):
        numbers = {row.values["id_number"] for row in rows}
        taken = set(Candidate.objects.filter(id_number__in=numbers, stage__in=Candidate.OPEN_STAGES)
                    .values_list("id_number", flat=True))
        return [row for row in rows if row.values["id_number"] in taken]

    def create(self, rows):
        # The workflow loads and checks the villages itself (one query).
        candidates = build(Candidate, (self.model_kwargs(_with_criteria(_person_values(row.values))) for row in rows))
        options = self.ctx.options
        try:
            if options.get("stage"):
                created = workflow.import_at_stage(candidates=candidates, stage=options["stage"], by=self.user,
                                                   note=options["note"], stage_data=[_stage_data(row.values) for row in rows])
            else:
                created = workflow.create_drafts(candidates=candidates, by=self.user)
        except workflow.WorkflowError:
            # Another user's import or form committed the same people meanwhile (the unique
            # constraint decided): name the rows rather than the workflow's list positions.
            taken = self._taken(rows)
            if taken:
                raise ImportRefused.for_rows([(row.number, "身份证号码", workflow.DUPLICATE_MESSAGE) for row in taken]) from None
            raise
        return len(created)

    def update(self, rows):
        objs = self.match_queryset().filter(stage__in=Candidate.EDITABLE_STAGES).in_bulk([r.pk for r in rows])
        if len(objs) != len(rows):
            raise workflow.WorkflowError("部分人员在预览之后已提交或变更，请重新上传文件并预览。")
        fields = {"name_initials", "name_pinyin"}
        for row in rows:
            obj = objs[row.pk]
            for target in row.present:
                if target == "criteria":  # ratings from the file, notes kept
                    merged = dict(obj.criteria or {})
                    for code, rating in row.values["criteria"].items():
                        merged[code] = {"rating": rating, "note": (merged.get(code) or {}).get("note", "")}
                    obj.criteria = merged
                else:
                    setattr(obj, target, row.values[target])
                fields.add(target)
            obj.fill_derived_fields()
        bulk_update_with_history(list(objs.values()), Candidate, sorted(fields), batch_size=1000, default_user=self.user)
        return len(objs)


def _person_values(values: dict) -> dict:
    return {k: v for k, v in values.items() if not k.startswith("stage:")}


def _stage_data(values: dict) -> workflow.StageData:
    data = {k.split(":", 1)[1]: v for k, v in values.items() if k.startswith("stage:") and v not in (None, "")}
    return workflow.StageData(**data)


def _with_criteria(values: dict) -> dict:
    """Row values with the ratings as ``Candidate.criteria`` stores them."""
    if "criteria" in values:
        values = {**values, "criteria": {code: {"rating": rating, "note": ""} for code, rating in values["criteria"].items()}}
    return values


def _candidates_by_number(user, numbers) -> dict[str, dict]:
    """Candidates in scope by ID number (open records first), one query."""
    found: dict[str, dict] = {}
    rows = (
        Candidate.objects.visible_to(user)
        .filter(id_number__in=numbers)
        .values("pk", "id_number", "name", "stage", "training_start", "training_end")
    )
    for row in rows:
        current = found.get(row["id_number"])
        if current is None or row["stage"] in Candidate.OPEN_STAGES:
            found[row["id_number"]] = row
    return found


class CandidateRowsMixin:
    """Rows that name a candidate by ID number (and name, as a check).

    The stage is judged only for rows that would create something (``check_new``): a row
    that matches what is already recorded is "unchanged" whatever the person's stage now,
    so an exported file re-imports cleanly after people have moved on."""

    candidate_stages: tuple[str, ...] = (S.TRAINING,)
    # ``{where}`` is Candidate.where(stage): "该人员已进入储备库".
    candidate_stage_message = "{where}，不在培养期，不能登记。"
    refusal_types = (workflow.WorkflowError,)

    def prepare(self, rows):
        numbers = {r.values.get("id_number") for r in rows if r.values.get("id_number")}
        self.candidates = _candidates_by_number(self.user, numbers)

    def match_candidate(self, row) -> dict | None:
        found = self.candidates.get(row.values["id_number"])
        if found is None:
            row.error("身份证号码", NOT_IN_SCOPE)
            return None
        name = row.values.get("candidate_name")
        if name and name.replace(" ", "") != found["name"].replace(" ", ""):
            row.error("姓名", f"姓名与身份证号码不符（系统中为“{found['name']}”）。")
            return None
        row.values["candidate_id"] = found["pk"]
        return found

    def stage_problem(self, candidate: dict) -> str:
        if candidate["stage"] not in self.candidate_stages:
            return self.candidate_stage_message.format(where=Candidate.where(candidate["stage"]))
        return ""

    def current_candidates(self, rows) -> dict[int, dict]:
        """The rows' candidates as they are now (confirm's re-check), one query."""
        ids = {row.values["candidate_id"] for row in rows}
        return {c["pk"]: c for c in Candidate.objects.visible_to(self.user).filter(pk__in=ids)
                .values("pk", "stage", "training_start", "training_end")}


# --- training attendance ------------------------------------------------------------


@register
class AttendanceResource(CandidateRowsMixin, ExcelResource):
    key = "reserve_attendance"
    title = "集中培训出勤"
    description = "后备干部参加集中学习培训的出勤登记（学时按培训班次计）。"
    order = 50
    import_roles = ("township_officer", "county_staff")
    export_roles = ("township_officer", "county_staff")
    natural_key = ("session_id", "candidate_id")
    import_note = "培训班次须已由县委组织部在系统中建立；按“培训日期 + 培训主题”对应班次，学时按班次自动登记。"
    candidate_stage_message = "{where}，不在培养期，不能登记出勤。"

    session_date = DateColumn("session__date", "培训日期", required=True, target="session_date", allow_month=False)
    session_topic = TextColumn("session__topic", "培训主题", required=True, target="session_topic", width=30)
    candidate_name = TextColumn("candidate__name", "姓名", required=True, target="candidate_name", width=10)
    id_number = IDNumberColumn("candidate__id_number", "身份证号码", required=True, target="id_number")
    village = RegionColumn("candidate__village", "所在村（社区）", levels=(5,), importable=False)
    hours = Column("hours", "学时", importable=False, width=8)

    class Meta:
        model = Attendance
        fields = ("session_date", "session_topic", "candidate_name", "id_number", "village", "hours")

    def export_order(self):
        return ("session__date", "candidate__village__path", "candidate__name")

    def prepare(self, rows):
        super().prepare(rows)
        dates = {r.values.get("session_date") for r in rows if r.values.get("session_date")}
        self.sessions = defaultdict(list)
        self.session_by_pk = {}
        for s in TrainingSession.objects.filter(date__in=dates):
            self.sessions[(s.date, clean_text(s.topic))].append(s)
            self.session_by_pk[s.pk] = s
        self.invited = self._invited(self.session_by_pk)
        self.found = {}
        # Attendance already recorded on those dates for those people: a row naming one of
        # two same-named sessions of a day is the one the person attended (a re-imported export).
        self.attended = set(Attendance.objects.filter(
            session_id__in=self.session_by_pk, candidate_id__in=[c["pk"] for c in self.candidates.values()]
        ).values_list("session_id", "candidate_id")) if self.session_by_pk and self.candidates else set()

    @staticmethod
    def _invited(sessions) -> set[tuple[int, int]]:
        targeted = [pk for pk, s in sessions.items() if not s.for_all]
        if not targeted:
            return set()
        return set(TrainingSession.trainees.through.objects.filter(trainingsession_id__in=targeted)
                   .values_list("trainingsession_id", "candidate_id"))

    def check_row(self, row):
        matches = self.sessions.get((row.values["session_date"], clean_text(row.values["session_topic"])), [])
        if not matches:
            row.error("培训主题", "没有找到该日期和主题的培训班次，请核对（班次须先由县委组织部建立）。")
            return
        found = self.match_candidate(row)
        if found is None:
            return
        if len(matches) > 1:
            matches = [s for s in matches if (s.pk, found["pk"]) in self.attended]
            if len(matches) != 1:
                row.error("培训主题", "该日期有多个同名培训班次，无法确定是哪一个，请联系县委组织部。")
                return
        row.values["session_id"] = matches[0].pk
        self.found[row.number] = found

    def attendance_problem(self, session, candidate: dict, invited) -> str:
        """Why this attendance may not be recorded ("" when it may): the rules of
        ``workflow.record_attendance``, for one row, in preview and again at confirm."""
        problem = self.stage_problem(candidate)
        if problem:
            return problem
        start, end = candidate["training_start"], candidate["training_end"]
        if not (start and end and start <= session.date <= end):
            span = f"（{start:%Y年%m月%d日}至{end:%Y年%m月%d日}）" if start and end else ""
            return f"该人员的培养期{span}不包含本次培训日期（{session.date:%Y年%m月%d日}），不能登记出勤。"
        if not session.for_all and (session.pk, candidate["pk"]) not in invited:
            return "该人员不在本次培训的指定参训名单内。"
        return ""

    def check_new(self, row):
        problem = self.attendance_problem(self.session_by_pk[row.values["session_id"]], self.found[row.number], self.invited)
        if problem:
            row.error("身份证号码", problem)

    def recheck(self, new, updated):
        if not new:
            return []
        sessions = TrainingSession.objects.in_bulk({row.values["session_id"] for row in new})
        candidates = self.current_candidates(new)
        invited = self._invited(sessions)
        errors = []
        for row in new:
            session, candidate = sessions.get(row.values["session_id"]), candidates.get(row.values["candidate_id"])
            if session is None or candidate is None:
                errors.append((row.number, "培训主题", "该培训班次或人员在预览之后已被删除或移出您的管辖范围，请重新上传文件并预览。"))
                continue
            problem = self.attendance_problem(session, candidate, invited)
            if problem:
                errors.append((row.number, "身份证号码", problem))
        return errors

    def existing(self, keys):
        if not keys:
            return {}
        qs = Attendance.objects.visible_to(self.user).filter(
            session_id__in={k[0] for k in keys}, candidate_id__in={k[1] for k in keys}
        )
        return {(a["session_id"], a["candidate_id"]): {"pk": a["pk"]} for a in qs.values("pk", "session_id", "candidate_id")}

    def create(self, rows):
        by_session = defaultdict(list)
        for row in rows:
            by_session[row.values["session_id"]].append(Candidate(pk=row.values["candidate_id"]))
        sessions = TrainingSession.objects.in_bulk(list(by_session))
        created = 0
        for session_id, candidates in by_session.items():
            created += workflow.record_attendance(session=sessions[session_id], candidates=candidates, by=self.user)
        return created


# --- annual appraisals ----------------------------------------------------------------

DIMENSIONS = [code for code, _ in codes.APPRAISAL_DIMENSIONS]
RATINGS = [code for code, _ in codes.DEMOCRATIC_RATING]


def _nonzero(tallies) -> dict:
    return {dim: {r: n for r, n in (votes or {}).items() if n} for dim, votes in (tallies or {}).items() if any((votes or {}).values())}


def grade_choices():
    return list(CodeItem.objects.filter(table=RESERVE_GRADE_TABLE, is_active=True).values_list("pk", "name"))


class GradeColumn(CodeColumn):
    """The 两委 grade, from the administrator-editable code table (by name)."""

    def __init__(self, **kw):
        super().__init__("grade", "年度综合评价等次", choices=grade_choices, target="grade_id",
                         export_paths=("grade__name",), required=True, width=12, **kw)

    def choices(self):
        return [(str(pk), name) for pk, name in grade_choices()]

    def parse(self, raw, ctx):
        text = clean_text(raw)
        for pk, name in self.choices():
            if text == name:
                return int(pk)
        raise CellError(f"“{text}”不是有效的等次，请从下拉列表中选择（{'、'.join(n for _p, n in self.choices())}）。")

    def to_cell(self, values, ctx):
        return values[0]


class TallyColumn(IntegerColumn):
    """Votes of one rating on one dimension, kept in ``Appraisal.tallies``."""

    def __init__(self, dimension, rating, **kw):
        super().__init__("tallies", f"{dimension}·{rating}", target=f"tally:{dimension}:{rating}", min_value=0,
                         max_value=9999, width=8, export_paths=("tallies",), **kw)
        self.dimension, self.rating = dimension, rating

    def to_cell(self, values, ctx):
        return ((values[0] or {}).get(self.dimension) or {}).get(self.rating)


def _tally_columns():
    return {f"tally_{i}_{j}": TallyColumn(d, r) for i, d in enumerate(DIMENSIONS) for j, r in enumerate(RATINGS)}


class AppraisalYearColumn(CodeColumn):
    def __init__(self, **kw):
        super().__init__("year", "培养年度", choices=[("1", "第一年"), ("2", "第二年")], required=True, width=10, **kw)

    def parse(self, raw, ctx):
        return int(super().parse(raw, ctx))

    def to_cell(self, values, ctx):
        return codes.label(self.choices(), str(values[0]))


class AppraisalResourceBase(CandidateRowsMixin, ExcelResource):
    key = "reserve_appraisals"
    title = "年度评议结果"
    description = "后备干部年度综合评价：党员群众代表评议票数、“两委”评价等次和集体鉴定意见。"
    order = 60
    import_roles = ("township_officer", "county_staff")
    export_roles = ("township_officer", "county_staff")
    natural_key = ("candidate_id", "year")
    import_note = "只能登记培养期内人员的年度评议；同一人同一培养年度只登记一次。"
    candidate_stage_message = "{where}，不在培养期，不能登记年度评议。"

    candidate_name = TextColumn("candidate__name", "姓名", required=True, target="candidate_name", width=10)
    id_number = IDNumberColumn("candidate__id_number", "身份证号码", required=True, target="id_number")
    village = RegionColumn("candidate__village", "所在村（社区）", levels=(5,), importable=False)
    year = AppraisalYearColumn()
    appraised_on = DateColumn("appraised_on", "评议日期", required=True, allow_month=False)
    raters = IntegerColumn("raters", "参加评议人数", min_value=0, max_value=9999, width=10)
    grade = GradeColumn()
    opinion = TextColumn("opinion", "集体鉴定意见", required=True, max_length=2000, width=40)

    class Meta:
        abstract = True

    def export_order(self):
        return ("candidate__village__path", "candidate__name", "year")

    def check_row(self, row):
        found = self.match_candidate(row)
        if found is None:
            return
        tallies = {}
        for target in list(row.present):
            if target.startswith("tally:"):
                _, dim, rating = target.split(":")
                value = row.values.pop(target)
                if value:
                    tallies.setdefault(dim, {})[rating] = value
        row.values["tallies"] = tallies
        row.present = [t for t in row.present if not t.startswith("tally:")] + ["tallies"]
        self.stages[row.number] = found["stage"]
        self.starts[row.number] = found["training_start"]

    def prepare(self, rows):
        super().prepare(rows)
        self.stages, self.starts = {}, {}

    def check_new(self, row):
        problem = self.stage_problem({"stage": self.stages.get(row.number)})
        if problem:
            row.error("身份证号码", problem)
            return
        v = row.values
        headers = {"appraised_on": "评议日期", "raters": "参加评议人数"}
        for where, message in appraisal_problems(training_start=self.starts.get(row.number), year=v.get("year"),
                                                 appraised_on=v.get("appraised_on"), raters=v.get("raters"),
                                                 tallies=v.get("tallies") or {}):
            row.error(headers.get(where, f"{where}·好"), message)

    def recheck(self, new, updated):
        candidates = self.current_candidates(new)
        errors = []
        for row in new:
            candidate = candidates.get(row.values["candidate_id"])
            problem = self.stage_problem(candidate) if candidate else NOT_IN_SCOPE
            if problem:
                errors.append((row.number, "身份证号码", problem))
        return errors

    def check_existing(self, row, record):
        if row.status == "update":
            row.error("培养年度", "该人员本培养年度的评议已登记，不能通过导入修改；如需更正请联系县委组织部。")

    def existing(self, keys):
        if not keys:
            return {}
        qs = Appraisal.objects.visible_to(self.user).filter(candidate_id__in={k[0] for k in keys})
        result = {}
        for a in qs.values("pk", "candidate_id", "year", "appraised_on", "raters", "grade_id", "opinion", "tallies"):
            a["tallies"] = _nonzero(a["tallies"])
            result[(a["candidate_id"], a["year"])] = a
        return result

    def create(self, rows):
        # ``recheck`` has just confirmed every row's stage inside this transaction.
        objs = []
        cycles = dict(Candidate.objects.filter(pk__in={row.values["candidate_id"] for row in rows})
                      .values_list("pk", "cycle_number"))
        for row in rows:
            values = {k: v for k, v in row.values.items() if k not in ("candidate_name", "id_number")}
            values["cycle"] = cycles.get(values["candidate_id"], 1)  # the person's current training period
            objs.append(Appraisal(recorded_by=self.user, **values))
        bulk_create_with_history(objs, Appraisal, batch_size=1000, default_user=self.user)
        return len(objs)


AppraisalResource = register(type("AppraisalResource", (AppraisalResourceBase,), {
    "__module__": __name__,
    **_tally_columns(),
    "Meta": type("Meta", (), {"model": Appraisal, "fields": (
        "candidate_name", "id_number", "village", "year", "appraised_on", "raters", "grade", *_tally_columns().keys(), "opinion",
    )}),
}))


# The registries of a reserve cadre's sub-records (mentors, placements, party steps,
# promotions, pool entries) live in their own module; importing it registers them.
from reserves import record_resources  # noqa: E402,F401
