"""Input shapes of the reserves pages. Business rules live in ``reserves.workflow``;
forms only parse and validate what was typed."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from django import forms

from cadre_portal import codes
from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem, Region
from reserves import workflow
from reserves.models import (
    APPRAISAL_DIMENSIONS,
    RATINGS,
    SELECTION_CRITERIA,
    Appointment,
    Appraisal,
    Attendance,
    TWO_COMMITTEE_POSTS,
    Candidate,
    ElectionNomination,
    FinalInspection,
    FollowUpVisit,
    Mentor,
    PartyDevelopment,
    Placement,
    Promotion,
    SelectionStandard,
    TrainingSession,
    appraisal_problems,
    nominee_age_check,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})


BLANK_LABEL = "请选择"


def _chinese_blank_choices(form) -> None:
    """Replace Django's "---------" blank option with a Chinese prompt."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            if field.empty_label is not None and field.empty_label.startswith("---"):
                field.empty_label = BLANK_LABEL
        elif isinstance(field, forms.TypedChoiceField) or type(field) is forms.ChoiceField:
            field.choices = [(v, BLANK_LABEL if v == "" and str(label).startswith("---") else label) for v, label in field.choices]


class _Crispy:
    """crispy helper without its own <form> tag: templates wrap forms (CSRF, action URL)."""

    def _helper(self, layout=None):
        _chinese_blank_choices(self)
        helper = FormHelper()
        helper.form_tag = False
        if layout is not None:
            helper.layout = layout
        return helper


class NominationForm(_Crispy, forms.ModelForm):
    """A nomination: identity, village, source, priority groups, occupation and the five criteria."""

    priority_group_choices = forms.MultipleChoiceField(
        label="优先选定群体", choices=codes.PRIORITY_GROUP, required=False, widget=forms.CheckboxSelectMultiple
    )
    age_confirmed = forms.BooleanField(
        label="年龄超出通常范围，确认推荐", required=False,
        help_text="仅当年龄超出通常范围时需要勾选。",
    )

    class Meta:
        model = Candidate
        fields = [
            "name", "id_number", "sex", "birth_date", "ethnicity", "political_status", "education", "degree",
            "phone", "native_place", "village", "nomination_source", "current_occupation",
        ]
        widgets = {"birth_date": DATE}
        help_texts = {"sex": "可不填，按身份证号码自动识别。", "birth_date": "可不填，按身份证号码自动识别。"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        villages = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).order_by("path")
        self.fields["village"].queryset = villages
        self.fields["village"].empty_label = "请选择村（社区）"
        self.fields["village"].widget.attrs["data-village-counts"] = "1"
        self.fields["nomination_source"].required = True
        self.fields["education"].required = True
        if self.instance.pk:
            self.fields["priority_group_choices"].initial = self.instance.priority_group_codes
        self.helper = self._helper(
            Layout(
                Fieldset(
                    "基本信息",
                    Row(Column("name", css_class="col-md-4"), Column("id_number", css_class="col-md-5"), Column("phone", css_class="col-md-3")),
                    Row(Column("sex", css_class="col-md-2"), Column("birth_date", css_class="col-md-3"), Column("ethnicity", css_class="col-md-3"), Column("political_status", css_class="col-md-4")),
                    Row(Column("education", css_class="col-md-4"), Column("degree", css_class="col-md-4"), Column("native_place", css_class="col-md-4")),
                    "age_confirmed",
                ),
                Fieldset(
                    "推荐情况",
                    Row(Column("village", css_class="col-md-5"), Column("nomination_source", css_class="col-md-3"), Column("current_occupation", css_class="col-md-4")),
                    Div(css_id="village-count", css_class="mb-3"),
                    "priority_group_choices",
                ),
            )
        )

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        from cadre_portal import idcard

        try:
            number = idcard.parse(value).number
        except idcard.IDNumberError as exc:
            # Raised here once; the field is then left out of the model's own checks,
            # which would repeat the same message a second time.
            raise forms.ValidationError(str(exc), code="invalid_id_number") from None
        if workflow.duplicate_exists(number, exclude_pk=self.instance.pk):
            raise forms.ValidationError(workflow.DUPLICATE_MESSAGE)
        return number

    def clean(self):
        data = super().clean()
        birth = data.get("birth_date")
        if birth is None and data.get("id_number"):
            from cadre_portal import idcard

            birth = idcard.parse(data["id_number"]).birth_date
        check = nominee_age_check(birth)
        if check is not None:
            level, message = check
            if level == "refuse":
                self.add_error("birth_date" if data.get("birth_date") else "id_number", message)
            elif not data.get("age_confirmed"):
                self.add_error("age_confirmed", message + "如确需推荐，请勾选“年龄超出通常范围，确认推荐”。")
        self.instance.set_priority_groups(data.get("priority_group_choices") or [])
        return data

    def validate_constraints(self):
        # The one-open-record rule is checked in clean_id_number with a message that
        # reveals nothing; the database constraint is the backstop in the workflow.
        pass


STANDARD_MAX_BYTES = 20 * 1024 * 1024
STANDARD_EXTENSIONS = (".pdf", ".doc", ".docx", ".wps", ".ofd", ".jpg", ".jpeg", ".png")


class SelectionStandardForm(_Crispy, forms.ModelForm):
    """The county publishes a version of the selection standard: its text and/or a document."""

    class Meta:
        model = SelectionStandard
        fields = ["version", "published_on", "title", "text", "attachment"]
        widgets = {"published_on": DATE, "text": forms.Textarea(attrs={"rows": 8})}
        error_messages = {"version": {"unique": "该版本号已登记，请使用新的版本号。"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].initial = date.today
        self.fields["version"].help_text = "如“2025-1”。每次修订登记一个新版本，旧版本保留。"
        self.fields["attachment"].help_text = "公告文件（PDF、Word、OFD 或图片，不超过 20 MB）；与标准内容至少填写一项。"
        self.helper = self._helper(Layout(
            Row(Column("version", css_class="col-md-3"), Column("published_on", css_class="col-md-3"), Column("title", css_class="col-md-6")),
            "text", "attachment",
        ))

    def clean_published_on(self):
        day = self.cleaned_data["published_on"]
        if day and day > date.today():
            raise forms.ValidationError("公告日期不能晚于今天。")
        return day

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload:
            if getattr(upload, "size", 0) > STANDARD_MAX_BYTES:
                raise forms.ValidationError("附件不能超过 20 MB。")
            if not upload.name.lower().endswith(STANDARD_EXTENSIONS):
                raise forms.ValidationError("附件须为 PDF、Word、WPS、OFD 或图片文件。")
        return upload

    def clean(self):
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("attachment"):
            raise forms.ValidationError("请填写标准内容或上传公告文件。")
        return data


class InspectionForm(_Crispy, forms.Form):
    """The township's 集中考察、测评: the five aspects of the county's published standard
    (讲政治、重品行、测素能、评表现、访口碑) each rated, and the 测评 result and opinion."""

    inspection_date = forms.DateField(label="考察测评日期", widget=DATE, initial=date.today)
    inspectors = forms.CharField(label="考察人员", max_length=200)
    standard = forms.ModelChoiceField(label="依据的选拔标准", queryset=SelectionStandard.objects.all(), empty_label="请选择")
    result = forms.ChoiceField(label="考察测评结果", choices=Candidate.InspectionResult.choices)
    opinion = forms.CharField(label="考察测评意见", widget=TEXT)

    def __init__(self, *args, criteria=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = SelectionStandard.current()
        if current is not None and not self.initial.get("standard"):
            self.initial["standard"] = current.pk
        # Required once the county has published a standard.
        self.fields["standard"].required = SelectionStandard.objects.exists()
        self.fields["standard"].help_text = "县委组织部统一制定并公告的选拔标准（见“选拔标准”）。"
        criteria = criteria or {}
        rows = []
        for code, name in SELECTION_CRITERIA:
            item = criteria.get(code, {})
            self.fields[f"criterion_{code}_rating"] = forms.ChoiceField(
                label=f"{name}：评价等次", choices=[("", "请选择")] + list(RATINGS), initial=item.get("rating", "")
            )
            self.fields[f"criterion_{code}_rating"].error_messages["required"] = f"请评定“{name}”的等次。"
            self.fields[f"criterion_{code}_note"] = forms.CharField(
                label=f"{name}：说明", required=False, max_length=300, initial=item.get("note", "")
            )
            rows.append(Row(Column(f"criterion_{code}_rating", css_class="col-md-3"), Column(f"criterion_{code}_note", css_class="col-md-9")))
        self.helper = self._helper(Layout(
            Row(Column("inspection_date", css_class="col-md-3"), Column("inspectors", css_class="col-md-4"),
                Column("standard", css_class="col-md-5")),
            Fieldset("选拔标准五个方面（讲政治、重品行、测素能、评表现、访口碑）", *rows),
            Fieldset("测评结果", "result", "opinion"),
        ))

    def criteria(self) -> dict:
        d = self.cleaned_data
        return {code: {"rating": d.get(f"criterion_{code}_rating", ""), "note": (d.get(f"criterion_{code}_note") or "").strip()}
                for code, _ in SELECTION_CRITERIA}


class OpinionForm(_Crispy, forms.Form):
    """An opinion (optional) or a reason (required), for the simple decisions."""

    opinion = forms.CharField(label="意见", widget=TEXT, required=False, max_length=1000)

    def __init__(self, *args, required=False, label="意见", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = required
        self.fields["opinion"].label = label
        self.helper = self._helper()


class OverrideForm(_Crispy, forms.Form):
    cycle = forms.BooleanField(label="培养期未满，准予提前综合考察", required=False)
    grade = forms.BooleanField(label="年度综合评价有不合格等次，仍准予综合考察", required=False)
    reason = forms.CharField(label="理由", widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        if not (data.get("cycle") or data.get("grade")):
            raise forms.ValidationError("请至少选择一项特别准予的事项。")
        return data


class FinalInspectionForm(_Crispy, forms.ModelForm):
    class Meta:
        model = FinalInspection
        fields = ["inspected_on", "mass_evaluation", "branch_appraisal", "summary", "recommendation", "recommendation_note"]
        widgets = {"inspected_on": DATE, "mass_evaluation": TEXT, "branch_appraisal": TEXT, "summary": TEXT, "recommendation_note": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["inspected_on"].initial = date.today
        self.helper = self._helper()


class CommitteeForm(_Crispy, forms.Form):
    decision = forms.ChoiceField(
        label="审议结果", choices=FinalInspection.CommitteeDecision.choices, widget=forms.RadioSelect,
        initial=FinalInspection.CommitteeDecision.AGREE,
        help_text="不同意的，退回乡镇重新进行综合考察。",
    )
    committee_date = forms.DateField(label="乡镇党委审议日期", widget=DATE, initial=date.today)
    opinion = forms.CharField(label="审议意见", widget=TEXT)

    def clean_committee_date(self):
        day = self.cleaned_data["committee_date"]
        if day and day > date.today():
            raise forms.ValidationError("审议日期不能晚于今天。")
        return day

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


class AdmitForm(_Crispy, forms.Form):
    admitted_on = forms.DateField(label="入库日期", widget=DATE, initial=date.today)
    wishes = forms.CharField(label="本人基本诉求", widget=TEXT, required=False)
    direction = forms.CharField(label="使用方向", max_length=200)
    intended_post = forms.ChoiceField(label="拟任岗位", choices=[("", "请选择")] + list(TWO_COMMITTEE_POSTS), required=False)
    opinion = forms.CharField(label="研究意见", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


class AppointForm(_Crispy, forms.ModelForm):
    """平时调整: a direct appointment between elections (at a 换届 the person is elected)."""

    class Meta:
        model = Appointment
        fields = ["post", "appointed_on", "note"]
        widgets = {"appointed_on": DATE, "note": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointed_on"].initial = date.today
        self.fields["post"].help_text = "换届时的任用请使用“第一人选提名推荐”并录入选举结果。"
        self.helper = self._helper()

    def clean_appointed_on(self):
        day = self.cleaned_data["appointed_on"]
        if day and day > date.today():
            raise forms.ValidationError("任用日期不能晚于今天。")
        return day


class FirstChoiceForm(_Crispy, forms.Form):
    post = forms.ChoiceField(label="提名职务", choices=[("", "请选择")] + list(TWO_COMMITTEE_POSTS))
    nominated_on = forms.DateField(label="第一人选提名推荐日期", widget=DATE, initial=date.today)
    note = forms.CharField(label="提名说明", widget=TEXT, required=False, max_length=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()

    def clean_nominated_on(self):
        day = self.cleaned_data["nominated_on"]
        if day and day > date.today():
            raise forms.ValidationError("提名日期不能晚于今天。")
        return day


class ElectionResultForm(_Crispy, forms.Form):
    outcome = forms.ChoiceField(
        label="选举结果", widget=forms.RadioSelect,
        choices=[(ElectionNomination.Outcome.ELECTED, "当选"), (ElectionNomination.Outcome.NOT_ELECTED, "未当选")],
    )
    post = forms.ChoiceField(label="当选职务", choices=[("", "请选择")] + list(TWO_COMMITTEE_POSTS), required=False,
                             help_text="当选时填写；不填则为提名职务。")
    election_date = forms.DateField(label="选举日期", widget=DATE, initial=date.today)
    note = forms.CharField(label="备注", widget=TEXT, required=False, max_length=1000)

    def __init__(self, *args, nomination=None, **kwargs):
        super().__init__(*args, **kwargs)
        if nomination is not None:
            self.fields["post"].initial = nomination.post
            self.fields["outcome"].help_text = (
                f"{nomination.nominated_on:%Y年%m月%d日}作为{nomination.get_post_display()}第一人选提名推荐。"
            )
        self.helper = self._helper()

    def clean_election_date(self):
        day = self.cleaned_data["election_date"]
        if day and day > date.today():
            raise forms.ValidationError("选举日期不能晚于今天。")
        return day


class FollowUpForm(_Crispy, forms.ModelForm):
    class Meta:
        model = FollowUpVisit
        fields = ["visited_on", "result", "note", "adjustment", "adjusted_post", "adjusted_on"]
        widgets = {"visited_on": DATE, "note": TEXT, "adjusted_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("visited_on", "result", "note"):
            self.fields[name].required = True
        self.fields["visited_on"].initial = date.today
        if self.initial.get("visited_on") is None:  # the pending visit's empty date would hide today
            self.initial["visited_on"] = date.today()
        self.fields["adjustment"].choices = list(FollowUpVisit.Adjustment.choices)
        self.fields["adjusted_post"].help_text = "调整岗位时选择。"
        self.fields["adjusted_on"].help_text = "调整岗位或免去职务时填写。"
        self.helper = self._helper(Layout(
            Row(Column("visited_on", css_class="col-md-4"), Column("result", css_class="col-md-4")),
            "note",
            Row(Column("adjustment", css_class="col-md-4"), Column("adjusted_post", css_class="col-md-4"),
                Column("adjusted_on", css_class="col-md-4")),
        ))

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        appointment = getattr(self.instance, "appointment", None) if self.instance.appointment_id else None
        if day and day > date.today():
            raise forms.ValidationError("回访日期不能晚于今天。")
        if day and appointment is not None and day < appointment.appointed_on:
            raise forms.ValidationError(f"回访日期不能早于任用日期（{appointment.appointed_on:%Y年%m月%d日}）。")
        return day

    def clean(self):
        data = super().clean()
        kind = data.get("adjustment") or ""
        if kind and not data.get("adjusted_on"):
            self.add_error("adjusted_on", "请填写调整日期。")
        if kind == FollowUpVisit.Adjustment.CHANGED and not data.get("adjusted_post"):
            self.add_error("adjusted_post", "请选择调整后的职务。")
        return data


class SubmitForm(_Crispy, forms.Form):
    """One village's ready nominees, submitted as a list."""

    candidates = forms.ModelMultipleChoiceField(label="提交人员", queryset=Candidate.objects.none(), widget=forms.CheckboxSelectMultiple)
    reason = forms.CharField(label="超出每村3-7人规模的说明", widget=TEXT, required=False)

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = queryset
        self.fields["candidates"].error_messages["required"] = "请至少选择一名人员提交。"
        self.helper = self._helper()


# --- records ---------------------------------------------------------------------------


YES_NO = [("True", "是"), ("False", "否")]


def yes_no_field(label: str) -> forms.TypedChoiceField:
    """A yes/no question answered explicitly (a radio pair, required): unlike a checkbox,
    a form that does not carry it cannot be read as "no"."""
    return forms.TypedChoiceField(
        label=label, choices=YES_NO, coerce=lambda v: v == "True", empty_value=None, widget=forms.RadioSelect,
        error_messages={"required": f"请选择“{label}”是或否。"},
    )


class _RecordForm(_Crispy, forms.ModelForm):
    """A record form. Editing an existing record (a candidate's own fields), a field the
    submitted data does not carry at all keeps its current value: no form clears a
    value the user did not clear (an empty POST changes nothing)."""

    def __init__(self, *args, candidate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate = candidate
        if self.is_bound and self.instance.pk:
            self.data = self._with_current_values(self.data)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DATE
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.helper = self._helper()

    def _with_current_values(self, data):
        data = data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if key in data or isinstance(field.widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
                continue  # an unticked checkbox is not sent: never guess it; record forms use yes_no_field
            value = self.initial.get(name, field.initial)
            if callable(value):
                value = value()
            if isinstance(value, (list, tuple)):
                data.setlist(key, [str(v) for v in value])
            elif value is not None:
                data[key] = str(value) if isinstance(value, bool) else value
        return data


class MentorForm(_RecordForm):
    """传帮带: the mentor, what the trainee did under them and the mentor's evaluation."""

    activity_choices = forms.MultipleChoiceField(
        label="传帮带方式", choices=Mentor.Activity.choices, required=False, widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Mentor
        fields = ["mentor_name", "mentor_post", "start", "end", "work_done", "evaluation_rating", "evaluation"]
        widgets = {"work_done": TEXT, "evaluation": TEXT}
        help_texts = {"work_done": "协助了哪些工作、交派了什么任务、解决了什么问题。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["activity_choices"].initial = self.instance.activity_codes
        self.order_fields(["mentor_name", "mentor_post", "start", "end", "activity_choices", "work_done", "evaluation_rating", "evaluation"])

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        if (data.get("evaluation_rating") or data.get("evaluation")) and not (data.get("activity_choices") and data.get("work_done")):
            self.add_error("work_done", "导师评价之前，请先填写传帮带方式和传帮带情况。")
        self.instance.set_activities(data.get("activity_choices") or [])
        return data


class PlacementForm(_RecordForm):
    class Meta:
        model = Placement
        fields = ["kind", "place", "content", "start", "end", "outcome"]


class PartyStepForm(_RecordForm):
    class Meta:
        model = PartyDevelopment
        fields = ["step", "date", "note"]


class PromotionForm(_RecordForm):
    class Meta:
        model = Promotion
        fields = ["kind", "date", "post", "unit", "note"]


class KeyMarkForm(_RecordForm):
    key_training_object = yes_no_field("重点培养对象")

    class Meta:
        model = Candidate
        fields = ["key_training_object", "key_training_since"]

    def clean(self):
        data = super().clean()
        if data.get("key_training_object") and not data.get("key_training_since"):
            self.add_error("key_training_since", "请填写列为重点培养对象的日期。")
        if data.get("key_training_since") and data["key_training_since"] > date.today():
            self.add_error("key_training_since", "列为重点培养对象日期不能晚于今天。")
        if data.get("key_training_object") is False:
            data["key_training_since"] = None  # no longer a key object: no date either
        return data


class MarksForm(_RecordForm):
    wulei_priority = yes_no_field("选拔五类人员进乡镇领导班子时优先考虑")
    exam_priority = yes_no_field("事业单位定向招考、乡镇公务员招录同等条件下优先")

    class Meta:
        model = Candidate
        fields = ["wulei_priority", "wulei_category", "exam_priority"]

    def clean(self):
        data = super().clean()
        if data.get("wulei_priority") and not data.get("wulei_category"):
            self.add_error("wulei_category", "选拔五类人员优先时，请选择五类人员类别。")
        return data


class AppraisalForm(_RecordForm):
    """Annual appraisal: 5 dimensions × 4 ratings of vote tallies, grade, opinion."""

    class Meta:
        model = Appraisal
        fields = ["year", "appraised_on", "raters", "grade", "opinion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raters"].min_value = 1
        self.fields["raters"].initial = None
        self.fields["raters"].help_text = "每个维度各等次票数之和应等于此人数。"
        self.fields["grade"].queryset = CodeItem.objects.filter(table=RESERVE_GRADE_TABLE, is_active=True)
        self.fields["grade"].empty_label = "请选择"
        self.fields["opinion"].widget.attrs["rows"] = 3
        rows = []
        for d, (dim, _) in enumerate(APPRAISAL_DIMENSIONS):
            cols = []
            for r, (rating, _) in enumerate(RATINGS):
                name = f"t_{d}_{r}"
                self.fields[name] = forms.IntegerField(label=f"{dim}·{rating}", min_value=0, initial=0)
                cols.append(Column(name, css_class="col"))
            rows.append(Row(*cols))
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-md-2"), Column("appraised_on", css_class="col-md-3"), Column("raters", css_class="col-md-3"),
                Column("grade", css_class="col-md-4")),
            Fieldset("党员群众代表评议票数（好/较好/一般/差）", *rows),
            "opinion",
        )

    def clean(self):
        data = super().clean()
        self.instance.tallies = {
            dim: {rating: data.get(f"t_{d}_{r}") or 0 for r, (rating, _) in enumerate(RATINGS)}
            for d, (dim, _) in enumerate(APPRAISAL_DIMENSIONS)
        }
        if self.candidate is not None and data.get("year") and data["year"] not in self.candidate.cycle_years_required():
            years = "、".join(f"第{'一二三四五'[y - 1]}年" for y in self.candidate.cycle_years_required())
            self.add_error("year", f"{self.candidate.cycle_label}只有{years}的年度评议。")
        if self.errors:
            return data
        start = self.candidate.training_start if self.candidate is not None else None
        dims = {dim: d for d, (dim, _) in enumerate(APPRAISAL_DIMENSIONS)}
        for where, message in appraisal_problems(training_start=start, year=data.get("year"), appraised_on=data.get("appraised_on"),
                                                 raters=data.get("raters"), tallies=self.instance.tallies):
            self.add_error(where if where in ("appraised_on", "raters") else f"t_{dims[where]}_0", message)
        return data


class TrainingSessionForm(_RecordForm):
    class Meta:
        model = TrainingSession
        fields = ["date", "topic", "subject", "hours", "teacher", "teacher_kind", "place", "for_all", "trainees"]
        widgets = {"trainees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("subject", "teacher_kind"):  # chosen, not defaulted to 其他
            self.fields[name].initial = None
            self.fields[name].choices = [("", BLANK_LABEL), *[c for c in self.fields[name].choices if c[0]]]
        self.fields["trainees"].queryset = Candidate.objects.visible_to(user).training().select_related("village")
        self.fields["trainees"].label_from_instance = lambda c: f"{c.name}（{c.village.name}）"
        self.fields["trainees"].help_text = "仅当不面向全体培养对象时勾选。"

    def clean(self):
        data = super().clean()
        if not data.get("for_all") and not data.get("trainees"):
            self.add_error("trainees", "不面向全体时，请勾选参训人员。")
        return data


class AttendancePersonForm(_Crispy, forms.Form):
    """One trainee at one session: 全程参加, 部分参加 (hours attended) or 请假 (reason)."""

    status = forms.ChoiceField(label="出勤情况", choices=Attendance.Status.choices, widget=forms.RadioSelect)
    hours = forms.DecimalField(label="实际参训学时", max_digits=5, decimal_places=1, required=False, min_value=0.1)
    reason = forms.CharField(label="请假事由", max_length=200, required=False)

    def __init__(self, *args, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        self.fields["hours"].max_value = session.hours
        self.fields["hours"].help_text = f"仅部分参加时填写，本次培训共 {float(session.hours):g} 学时。"
        self.fields["reason"].help_text = "请假时必填。"
        self.helper = self._helper()

    def clean(self):
        data = super().clean()
        status = data.get("status")
        if status == Attendance.Status.PARTIAL:
            hours = data.get("hours")
            if hours is None:
                self.add_error("hours", "部分参加时请填写实际参训学时。")
            elif hours >= self.session.hours:
                self.add_error("hours", f"部分参加的学时应少于本次培训的 {float(self.session.hours):g} 学时；全程参加请选“全程参加”。")
        if status == Attendance.Status.LEAVE and not (data.get("reason") or "").strip():
            self.add_error("reason", "请假时请填写请假事由。")
        return data


class AttendanceForm(forms.Form):
    candidates = forms.ModelMultipleChoiceField(
        label="到课人员", queryset=Candidate.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = queryset
