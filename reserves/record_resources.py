"""Excel registries of a reserve cadre's sub-records: mentors (传帮带), placements (跟岗实习、
实践锻炼), party development (发展入党), later use (后续提拔使用) and pool entries (储备库).

Each row names its person by 身份证号码 (and 姓名, as a check) among the people in the
importer's scope, like the attendance and appraisal registries. A row creates a record only
while the person is in a stage where the record form would accept it (``services.RECORD_KINDS``
for the records; the workflow for the pool); an exported file re-imports as unchanged whatever
the people's stages are now. Writes that change a stage or 政治面貌 go through
``reserves.workflow`` (``record_party_steps``, ``admit_many_to_pool``); the others are inserted
and updated in bulk with their history. Every path reads what it needs for the whole file in a
few queries: no query per row.
"""

from __future__ import annotations

from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cadre_portal.excel.columns import CodeColumn, DateColumn, IDNumberColumn, MultiCodeColumn, RegionColumn, TextColumn
from cadre_portal.excel.resources import ExcelResource, register
from reserves import services, workflow
from reserves.models import RATINGS, Appointment, Candidate, ElectionNomination, FinalInspection, FollowUpVisit, Mentor, PartyDevelopment, Placement, PoolEntry, Promotion
from reserves.resources import NOT_IN_SCOPE, CandidateRowsMixin

S = Candidate.Stage
BOTH = ("township_officer", "county_staff")
COUNTY = ("county_staff",)


class CommaCodesColumn(MultiCodeColumn):
    """Several codes stored ",a,b," (``Mentor.set_activities``), written 协助工作、交派任务."""

    def parse(self, raw, ctx):
        joined = super().parse(raw, ctx)
        return f",{joined}," if joined else ""

    def to_cell(self, values, ctx):
        return super().to_cell(((values[0] or "").strip(","),), ctx)


class SubRecordResource(CandidateRowsMixin, ExcelResource):
    """A record kept on a reserve cadre. Subclasses set ``record_key`` (the record form's kind
    in ``services.RECORD_KINDS``: its stages and roles), the columns and ``Meta``;
    ``frozen`` lists targets an import may not change on an existing record."""

    record_key = ""
    frozen: tuple[str, ...] = ()
    person_targets = ("candidate_name", "id_number")

    candidate_name = TextColumn("candidate__name", "姓名", required=True, target="candidate_name", width=10,
                                compare_path="candidate__name")
    id_number = IDNumberColumn("candidate__id_number", "身份证号码", required=True, target="id_number",
                               compare_path="candidate__id_number")
    village = RegionColumn("candidate__village", "所在村（社区）", levels=(5,), importable=False)

    class Meta:
        abstract = True

    @property
    def candidate_stages(self):
        return tuple(services.RECORD_KINDS[self.record_key].stages)

    @property
    def candidate_stage_message(self):
        return "{where}，不能登记" + services.RECORD_KINDS[self.record_key].label + "。"

    def export_order(self):
        return ("candidate__village__path", "candidate__name", "pk")

    # --- reading ---
    def prepare(self, rows):
        super().prepare(rows)
        self.found = {}

    def check_row(self, row):
        found = self.match_candidate(row)
        if found is None:
            return
        self.found[row.number] = found
        self.check_values(row)

    def check_values(self, row):
        """Cross-column rules of the record (hook): ``row.error``."""
        start, end = row.values.get("start"), row.values.get("end")
        if start and end and end < start:
            row.error("结束日期", "结束日期不能早于开始日期。")

    def check_new(self, row):
        problem = self.stage_problem(self.found[row.number])
        if problem:
            row.error("身份证号码", problem)

    def check_existing(self, row, record):
        if row.status != "update":
            return
        headers = {c.target: c.header for c in self.import_columns()}
        frozen = [headers.get(t, t) for t in self.frozen if t in row.present and str(record.get(t) or "") != str(row.values.get(t) or "")]
        if frozen:
            row.error(frozen[0], f"已登记的{self.title}不能通过导入修改“{'、'.join(frozen)}”；如需更正请联系县委组织部。")
            return
        problem = self.stage_problem(self.found[row.number])
        if problem:
            row.error("身份证号码", problem)

    def existing_fields(self):
        return list(self.frozen)

    def recheck(self, new, updated):
        rows = new + updated
        candidates = self.current_candidates(rows) if rows else {}
        errors = []
        for row in rows:
            candidate = candidates.get(row.values["candidate_id"])
            problem = self.stage_problem(candidate) if candidate else NOT_IN_SCOPE
            if problem:
                errors.append((row.number, "身份证号码", problem))
        return errors

    # --- writing ---
    def record_values(self, row) -> dict:
        return {k: v for k, v in row.values.items() if k not in self.person_targets}

    def create(self, rows):
        # ``recheck`` has just confirmed every row's person and stage inside this transaction.
        model = self.model()
        objs = [model(**self.record_values(row)) for row in rows]
        bulk_create_with_history(objs, model, batch_size=1000, default_user=self.user)
        return len(objs)

    def update(self, rows):
        model = self.model()
        objs = self.match_queryset().in_bulk([row.pk for row in rows])
        if len(objs) != len(rows):
            raise workflow.WorkflowError(f"部分{self.title}在预览之后已被删除，请重新上传文件并预览。")
        fields = set()
        for row in rows:
            obj = objs[row.pk]
            for target in row.present:
                if target not in self.person_targets and target not in self.natural_key:
                    setattr(obj, target, row.values[target])
                    fields.add(target)
        if fields:
            bulk_update_with_history(list(objs.values()), model, sorted(fields), batch_size=1000, default_user=self.user)
        return len(objs)


# --- 传帮带导师 ------------------------------------------------------------------------------------


@register
class MentorResource(SubRecordResource):
    key = "reserve_mentors"
    title = "传帮带导师"
    description = "培养期内后备干部的传帮带导师、传帮带方式与情况、导师评价。"
    order = 70
    import_roles = BOTH
    export_roles = BOTH
    record_key = "mentor"
    natural_key = ("candidate_id", "mentor_name", "start")
    import_note = "只能登记培养期内人员；同一人同一导师同一开始日期为一条记录，再次导入时更新其余各项。"

    mentor_name = TextColumn("mentor_name", "导师姓名", required=True, max_length=32, width=10)
    mentor_post = TextColumn("mentor_post", "导师职务", required=True, max_length=100, width=20)
    start = DateColumn("start", "开始日期", required=True)
    end = DateColumn("end", "结束日期", note="尚未结束的不填")
    activities = CommaCodesColumn("activities", "传帮带方式", choices=Mentor.Activity.choices, width=20,
                                  note="可填多项，用顿号分隔")
    work_done = TextColumn("work_done", "传帮带情况", max_length=2000, width=40)
    evaluation_rating = CodeColumn("evaluation_rating", "导师评价等次", choices=RATINGS, width=10)
    evaluation = TextColumn("evaluation", "导师评价", max_length=2000, width=40)

    class Meta:
        model = Mentor
        fields = ("candidate_name", "id_number", "village", "mentor_name", "mentor_post", "start", "end", "activities",
                  "work_done", "evaluation_rating", "evaluation")

    def check_values(self, row):
        super().check_values(row)
        v = row.values
        if (v.get("evaluation_rating") or v.get("evaluation")) and not (v.get("activities") and v.get("work_done")):
            row.error("传帮带情况", "导师评价之前，请先填写传帮带方式和传帮带情况。")


# --- 跟岗实习与实践锻炼 ------------------------------------------------------------------------------


@register
class PlacementResource(SubRecordResource):
    key = "reserve_placements"
    title = "跟岗实习与实践锻炼"
    description = "培养期内后备干部的跟岗实习、实践锻炼：方式、岗位、内容、时间和完成情况。"
    order = 71
    import_roles = BOTH
    export_roles = BOTH
    record_key = "placement"
    natural_key = ("candidate_id", "kind", "start")
    import_note = "只能登记培养期内人员；同一人同一锻炼方式同一开始日期为一条记录，再次导入时更新其余各项。"

    kind = CodeColumn("kind", "锻炼方式", required=True, choices=Placement.Kind.choices, width=10)
    place = TextColumn("place", "岗位/地点", required=True, max_length=100, width=20)
    content = TextColumn("content", "工作内容", required=True, max_length=200, width=30)
    start = DateColumn("start", "开始日期", required=True)
    end = DateColumn("end", "结束日期", note="尚未结束的不填")
    outcome = TextColumn("outcome", "完成情况", max_length=2000, width=40)

    class Meta:
        model = Placement
        fields = ("candidate_name", "id_number", "village", "kind", "place", "content", "start", "end", "outcome")


# --- 发展入党 ----------------------------------------------------------------------------------------


@register
class PartyStepResource(SubRecordResource):
    key = "reserve_party_steps"
    title = "发展入党"
    description = "后备干部发展入党各阶段及日期；登记预备党员、正式党员时政治面貌随之变更。"
    order = 72
    import_roles = BOTH
    export_roles = BOTH
    record_key = "party"
    natural_key = ("candidate_id", "step")
    frozen = ("date",)
    import_note = ("各阶段按时间先后登记，转为正式党员之前须已登记预备党员（可在同一文件中）；"
                   "登记预备党员、正式党员后，政治面貌相应变更为中共预备党员、中共党员。已登记的阶段不能通过导入修改。")

    step = CodeColumn("step", "发展入党阶段", required=True, choices=PartyDevelopment.Step.choices, width=12)
    date = DateColumn("date", "日期", required=True, allow_month=False)
    note = TextColumn("note", "备注", max_length=200, width=30)

    class Meta:
        model = PartyDevelopment
        fields = ("candidate_name", "id_number", "village", "step", "date", "note")

    def export_order(self):
        return ("candidate__village__path", "candidate__name", "date", "pk")

    @property
    def candidate_stages(self):
        return tuple(workflow.PARTY_STEP_STAGES)

    def prepare(self, rows):
        super().prepare(rows)
        ids = {c["pk"] for c in self.candidates.values()}
        self.recorded = {}
        for candidate_id, step, day in PartyDevelopment.objects.filter(candidate_id__in=ids).values_list("candidate_id", "step", "date"):
            self.recorded.setdefault(candidate_id, {})[step] = day
        self.rows, self.new_problems = rows, None

    def _order_problems(self, rows, recorded) -> dict[int, str]:
        """The workflow's order rule over the new rows, a person's rows in date order:
        {row number: message}."""
        order = list(PartyDevelopment.Step.values)
        seen = {pk: dict(steps) for pk, steps in recorded.items()}
        problems = {}
        for row in sorted(rows, key=lambda r: (r.values["candidate_id"], r.values["date"], order.index(r.values["step"]))):
            steps = seen.setdefault(row.values["candidate_id"], {})
            problem = workflow.party_step_problem(row.values["step"], row.values["date"], steps)
            if problem:
                problems[row.number] = problem
            else:
                steps[row.values["step"]] = row.values["date"]
        return problems

    def check_new(self, row):
        super().check_new(row)
        if row.status == "error":
            return
        if self.new_problems is None:
            # The file's new steps judged together, once (a file may carry 预备党员 and 正式党员).
            new = [r for r in self.rows if r.status != "error" and "candidate_id" in r.values
                   and r.values["step"] not in self.recorded.get(r.values["candidate_id"], {})]
            self.new_problems = self._order_problems(new, self.recorded)
        if row.number in self.new_problems:
            row.error("发展入党阶段", self.new_problems[row.number])

    def recheck(self, new, updated):
        errors = super().recheck(new, updated)
        ids = {row.values["candidate_id"] for row in new}
        recorded = {}
        for candidate_id, step, day in PartyDevelopment.objects.filter(candidate_id__in=ids).values_list("candidate_id", "step", "date"):
            recorded.setdefault(candidate_id, {})[step] = day
        errors += [(number, "发展入党阶段", problem) for number, problem in self._order_problems(new, recorded).items()]
        return errors

    def create(self, rows):
        items = [workflow.PartyStepItem(candidate_pk=row.values["candidate_id"], step=row.values["step"], on=row.values["date"],
                                        note=row.values.get("note", ""), row=row.number) for row in rows]
        return len(workflow.record_party_steps(items=items, by=self.user))


# --- 后续提拔使用 ------------------------------------------------------------------------------------


@register
class PromotionResource(SubRecordResource):
    key = "reserve_promotions"
    title = "后续提拔使用"
    description = "储备库、已任用人员的后续使用：五类人员进入乡镇领导班子、事业单位定向招考、乡镇公务员招录等。"
    order = 73
    import_roles = COUNTY
    export_roles = BOTH
    record_key = "promotion"
    natural_key = ("candidate_id", "kind", "date")
    import_note = "只能登记储备库和已任用人员；同一人同一使用方式同一日期为一条记录，再次导入时更新职务、单位和备注。"

    kind = CodeColumn("kind", "使用方式", required=True, choices=Promotion.Kind.choices, width=20)
    date = DateColumn("date", "日期", required=True, allow_month=False)
    post = TextColumn("post", "新任职务", required=True, max_length=100, width=20)
    unit = TextColumn("unit", "单位", max_length=100, width=20)
    note = TextColumn("note", "备注", max_length=200, width=30)

    class Meta:
        model = Promotion
        fields = ("candidate_name", "id_number", "village", "kind", "date", "post", "unit", "note")


# --- 储备库 ------------------------------------------------------------------------------------------


@register
class PoolEntryResource(SubRecordResource):
    key = "reserve_pool_entries"
    title = "储备库"
    description = "纳入储备库的后备干部：入库日期、使用方向、拟任岗位和本人基本诉求。"
    order = 74
    import_roles = COUNTY
    export_roles = BOTH
    natural_key = ("candidate_id",)
    frozen = ("admitted_on",)
    candidate_stages = (S.FINAL_FILED,)
    candidate_stage_message = "{where}，综合考察备案之后才能纳入储备库。"
    import_note = ("新的一行把综合考察已备案的人员纳入储备库（与“纳入储备库”操作相同）；已在库人员的使用方向、"
                   "拟任岗位和本人基本诉求可以更新，入库日期不能通过导入修改。")

    admitted_on = DateColumn("admitted_on", "入库日期", required=True, allow_month=False)
    direction = TextColumn("direction", "使用方向", required=True, max_length=200, width=24)
    intended_post = TextColumn("intended_post", "拟任岗位", max_length=100, width=16)
    wishes = TextColumn("wishes", "本人基本诉求", max_length=2000, width=30)
    removed_on = DateColumn("removed_on", "移出日期", importable=False)
    removal_reason = TextColumn("removal_reason", "移出理由", importable=False, width=24)

    class Meta:
        model = PoolEntry
        fields = ("candidate_name", "id_number", "village", "admitted_on", "direction", "intended_post", "wishes",
                  "removed_on", "removal_reason")

    def prepare(self, rows):
        super().prepare(rows)
        ids = {c["pk"] for c in self.candidates.values()}
        self.recommendations = dict(FinalInspection.objects.filter(candidate_id__in=ids).values_list("candidate_id", "recommendation"))

    def check_new(self, row):
        found = self.found[row.number]
        problem = workflow.admit_problem(found["stage"], self.recommendations.get(found["pk"]))
        if problem:
            row.error("身份证号码", problem)

    def check_existing(self, row, record):
        if row.status != "update":
            return
        stage = self.found[row.number]["stage"]
        if stage != S.POOL:
            row.error("身份证号码", f"{Candidate.where(stage)}，不在储备库中，储备信息不能通过导入修改。")
            return
        headers = {c.target: c.header for c in self.import_columns()}
        if "admitted_on" in row.present and record.get("admitted_on") != row.values.get("admitted_on"):
            row.error(headers["admitted_on"], "入库日期不能通过导入修改；如需更正请联系系统管理员。")

    def recheck(self, new, updated):
        rows = new + updated
        candidates = self.current_candidates(rows) if rows else {}
        errors = []
        recommendations = dict(FinalInspection.objects.filter(candidate_id__in=[r.values["candidate_id"] for r in new])
                               .values_list("candidate_id", "recommendation")) if new else {}
        for row in new:
            candidate = candidates.get(row.values["candidate_id"])
            problem = workflow.admit_problem(candidate["stage"], recommendations.get(candidate["pk"])) if candidate else NOT_IN_SCOPE
            if problem:
                errors.append((row.number, "身份证号码", problem))
        for row in updated:
            candidate = candidates.get(row.values["candidate_id"])
            if candidate is None or candidate["stage"] != S.POOL:
                errors.append((row.number, "身份证号码", "该人员在预览之后已不在储备库中，请重新上传文件并预览。"))
        return errors

    def create(self, rows):
        items = [workflow.PoolAdmission(candidate_pk=row.values["candidate_id"], row=row.number,
                                        **{k: row.values.get(k, "") for k in ("admitted_on", "direction", "intended_post", "wishes")})
                 for row in rows]
        return len(workflow.admit_many_to_pool(items=items, by=self.user))


# --- 任用 ----------------------------------------------------------------------------------------------


def _two_committee_posts():
    from reserves.models import TWO_COMMITTEE_POSTS

    return TWO_COMMITTEE_POSTS


@register
class AppointmentResource(SubRecordResource):
    key = "reserve_appointments"
    title = "任用"
    description = "储备库人员的任用：换届选举当选和平时调整任用的职务、日期。"
    order = 75
    import_roles = COUNTY
    export_roles = BOTH
    natural_key = ("candidate_id", "appointed_on", "post")
    import_note = ("新的一行把储备库人员平时调整任用为村“两委”职务（与“平时调整任用”操作相同，首年度回访随之生成）；"
                   "换届时的任用经第一人选提名和选举产生，不能导入。已登记的任用不能通过导入修改。")

    occasion = CodeColumn("occasion", "任用时机", choices=Appointment.Occasion.choices, width=16,
                          note="不填视为平时调整；换届任用只能导出")
    post = CodeColumn("post", "任用职务", required=True, choices=_two_committee_posts, width=20)
    appointed_on = DateColumn("appointed_on", "任用日期", required=True, allow_month=False)
    note = TextColumn("note", "备注", max_length=2000, width=30)

    class Meta:
        model = Appointment
        fields = ("candidate_name", "id_number", "village", "occasion", "post", "appointed_on", "note")

    def export_order(self):
        return ("candidate__village__path", "candidate__name", "appointed_on", "pk")

    def prepare(self, rows):
        super().prepare(rows)
        ids = {c["pk"] for c in self.candidates.values()}
        self.pending = set(ElectionNomination.objects.filter(candidate_id__in=ids, outcome="").values_list("candidate_id", flat=True))

    def check_values(self, row):
        if "occasion" in row.present and not row.values.get("occasion"):
            row.values["occasion"] = Appointment.Occasion.ADJUSTMENT

    def check_new(self, row):
        if row.values.get("occasion", Appointment.Occasion.ADJUSTMENT) != Appointment.Occasion.ADJUSTMENT:
            row.error("任用时机", "换届时的任用经第一人选提名推荐和选举产生，请在系统中录入选举结果，不能导入。")
            return
        found = self.found[row.number]
        problem = workflow.appointment_problem(found["stage"], found["pk"] in self.pending, row.values["post"], row.values["appointed_on"])
        if problem:
            row.error("身份证号码", problem)

    def check_existing(self, row, record):
        if row.status == "update":
            row.error("任用职务", "已登记的任用不能通过导入修改；如需更正请联系系统管理员。")

    def recheck(self, new, updated):
        candidates = self.current_candidates(new) if new else {}
        pending = set(ElectionNomination.objects.filter(candidate_id__in=list(candidates), outcome="")
                      .values_list("candidate_id", flat=True)) if candidates else set()
        errors, seen = [], set()
        for row in new:
            candidate = candidates.get(row.values["candidate_id"])
            if candidate is None:
                problem = NOT_IN_SCOPE
            elif candidate["pk"] in seen:
                problem = "同一人只能任用一次。"
            else:
                problem = workflow.appointment_problem(candidate["stage"], candidate["pk"] in pending, row.values["post"],
                                                       row.values["appointed_on"])
            seen.add(row.values["candidate_id"])
            if problem:
                errors.append((row.number, "身份证号码", problem))
        return errors

    def create(self, rows):
        items = [workflow.AppointmentItem(candidate_pk=row.values["candidate_id"], post=row.values["post"],
                                          appointed_on=row.values["appointed_on"], note=row.values.get("note", ""), row=row.number)
                 for row in rows]
        return len(workflow.appoint_many(items=items, by=self.user))


# --- 首年度回访 ----------------------------------------------------------------------------------------


@register
class FollowUpResource(SubRecordResource):
    key = "reserve_follow_ups"
    title = "首年度回访"
    description = "任用满一年的首年度回访考察：回访日期、结果、情况和据此作出的调整。"
    order = 76
    import_roles = ("township_officer", "county_staff")
    export_roles = BOTH
    natural_key = ("candidate_id", "appointed_on")
    import_note = ("每行对应一次任用（按身份证号码和任用日期），录入其首年度回访结果（与“录入首年度回访”操作相同）；"
                   "已录入的回访不能通过导入修改。调整为“调整岗位”时须填写调整后职务，调整时均须填写调整日期。")

    appointed_on = DateColumn("appointment__appointed_on", "任用日期", required=True, allow_month=False, target="appointed_on",
                              compare_path="appointment__appointed_on")
    appointed_post = CodeColumn("appointment__post", "任用职务", choices=_two_committee_posts, importable=False, width=20)
    due_date = DateColumn("due_date", "应回访日期", importable=False)
    # Not required as columns: a visit not yet made exports empty and re-imports unchanged; a row
    # that records a visit must carry all three (``follow_up_problem``).
    visited_on = DateColumn("visited_on", "回访日期", allow_month=False)
    result = CodeColumn("result", "回访结果", choices=FollowUpVisit.Result.choices, width=10)
    note = TextColumn("note", "回访情况", max_length=2000, width=40)
    adjustment = CodeColumn("adjustment", "调整", choices=[c for c in FollowUpVisit.Adjustment.choices if c[0]], width=10,
                            note="不作调整的不填")
    adjusted_post = CodeColumn("adjusted_post", "调整后职务", choices=_two_committee_posts, width=20)
    adjusted_on = DateColumn("adjusted_on", "调整日期", allow_month=False)

    class Meta:
        model = FollowUpVisit
        fields = ("candidate_name", "id_number", "village", "appointed_on", "appointed_post", "due_date", "visited_on", "result",
                  "note", "adjustment", "adjusted_post", "adjusted_on")

    def export_order(self):
        return ("candidate__village__path", "candidate__name", "appointment__appointed_on", "pk")

    def existing(self, keys):
        """The visits in scope by (person, appointment date): one query."""
        if not keys:
            return {}
        qs = self.match_queryset().filter(candidate_id__in={k[0] for k in keys},
                                          appointment__appointed_on__in={k[1] for k in keys})
        result = {}
        for v in qs.values("pk", "candidate_id", "appointment__appointed_on", "appointment__post", "candidate__name",
                           "candidate__id_number", "visited_on", "result", "note", "adjustment", "adjusted_post", "adjusted_on"):
            record = {"pk": v["pk"], "candidate_id": v["candidate_id"], "appointed_on": v["appointment__appointed_on"],
                      "candidate_name": v["candidate__name"], "id_number": v["candidate__id_number"],
                      "appointment__post": v["appointment__post"],
                      **{k: v[k] for k in ("visited_on", "result", "note", "adjustment", "adjusted_post", "adjusted_on")}}
            result[(record["candidate_id"], record["appointed_on"])] = record
        return result

    def check_new(self, row):
        row.error("任用日期", "没有找到该人员在此日期的任用，请核对任用日期（首年度回访随任用生成）。")

    def check_existing(self, row, record):
        if row.status != "update":
            return
        if record.get("visited_on") is not None:
            row.error("回访日期", "该回访已录入，不能通过导入修改；如需更正请联系县委组织部。")
            return
        found = self.found[row.number]
        if found["stage"] != S.APPOINTED:
            row.error("身份证号码", f"{Candidate.where(found['stage'])}，不能录入首年度回访。")
            return
        v = row.values
        problem = workflow.follow_up_problem(
            appointed_on=v["appointed_on"], post=record.get("appointment__post"), visited_on=v.get("visited_on"),
            result=v.get("result", ""), note=v.get("note", ""), adjustment=v.get("adjustment", ""),
            adjusted_post=v.get("adjusted_post", ""), adjusted_on=v.get("adjusted_on"),
        )
        if problem:
            row.error("回访结果", problem)

    def recheck(self, new, updated):
        # ``record_follow_ups`` re-reads the visits locked and refuses, naming the rows.
        return []

    def update(self, rows):
        items = [workflow.FollowUpItem(
            visit_pk=row.pk, visited_on=row.values["visited_on"], result=row.values["result"], note=row.values["note"],
            adjustment=row.values.get("adjustment", ""), adjusted_post=row.values.get("adjusted_post", ""),
            adjusted_on=row.values.get("adjusted_on"), row=row.number,
        ) for row in rows]
        return len(workflow.record_follow_ups(items=items, by=self.user))
