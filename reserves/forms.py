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
    Candidate,
    FinalInspection,
    FollowUpVisit,
    Mentor,
    PartyDevelopment,
    Placement,
    Promotion,
    TrainingSession,
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
        criteria = self.instance.criteria or {}
        names = []
        for code, name in SELECTION_CRITERIA:
            item = criteria.get(code, {})
            self.fields[f"criterion_{code}_rating"] = forms.ChoiceField(
                label=f"{name}：评价等次", choices=[("", "请选择")] + list(RATINGS), initial=item.get("rating", "")
            )
            self.fields[f"criterion_{code}_note"] = forms.CharField(
                label=f"{name}：说明", required=False, max_length=300, initial=item.get("note", "")
            )
            names.append(Row(Column(f"criterion_{code}_rating", css_class="col-md-3"), Column(f"criterion_{code}_note", css_class="col-md-9")))
        self.helper = self._helper(
            Layout(
                Fieldset(
                    "基本信息",
                    Row(Column("name", css_class="col-md-4"), Column("id_number", css_class="col-md-5"), Column("phone", css_class="col-md-3")),
                    Row(Column("sex", css_class="col-md-2"), Column("birth_date", css_class="col-md-3"), Column("ethnicity", css_class="col-md-3"), Column("political_status", css_class="col-md-4")),
                    Row(Column("education", css_class="col-md-4"), Column("degree", css_class="col-md-4"), Column("native_place", css_class="col-md-4")),
                ),
                Fieldset(
                    "推荐情况",
                    Row(Column("village", css_class="col-md-5"), Column("nomination_source", css_class="col-md-3"), Column("current_occupation", css_class="col-md-4")),
                    Div(css_id="village-count", css_class="mb-3"),
                    "priority_group_choices",
                ),
                Fieldset("选拔标准（讲政治、重品行、测素能、评表现、访口碑）", *names),
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
        self.instance.criteria = {
            code: {"rating": data.get(f"criterion_{code}_rating", ""), "note": data.get(f"criterion_{code}_note", "")}
            for code, _ in SELECTION_CRITERIA
        }
        self.instance.set_priority_groups(data.get("priority_group_choices") or [])
        return data

    def validate_constraints(self):
        # The one-open-record rule is checked in clean_id_number with a message that
        # reveals nothing; the database constraint is the backstop in the workflow.
        pass


class InspectionForm(_Crispy, forms.Form):
    inspection_date = forms.DateField(label="考察测评日期", widget=DATE, initial=date.today)
    inspectors = forms.CharField(label="考察人员", max_length=200)
    result = forms.ChoiceField(label="考察测评结果", choices=Candidate.InspectionResult.choices)
    opinion = forms.CharField(label="考察测评意见", widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


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
    committee_date = forms.DateField(label="乡镇党委审议日期", widget=DATE, initial=date.today)
    opinion = forms.CharField(label="审议意见", widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


class AdmitForm(_Crispy, forms.Form):
    admitted_on = forms.DateField(label="入库日期", widget=DATE, initial=date.today)
    wishes = forms.CharField(label="本人基本诉求", widget=TEXT, required=False)
    direction = forms.CharField(label="使用方向", max_length=200)
    intended_post = forms.ChoiceField(label="拟任岗位", choices=[("", "请选择")] + list(codes.VILLAGE_POSTS), required=False)
    opinion = forms.CharField(label="研究意见", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = self._helper()


class AppointForm(_Crispy, forms.ModelForm):
    class Meta:
        model = Appointment
        fields = ["occasion", "post", "appointed_on", "note"]
        widgets = {"appointed_on": DATE, "note": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointed_on"].initial = date.today
        self.helper = self._helper()


class FollowUpForm(_Crispy, forms.ModelForm):
    class Meta:
        model = FollowUpVisit
        fields = ["visited_on", "result", "note", "adjustment"]
        widgets = {"visited_on": DATE, "note": TEXT, "adjustment": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("visited_on", "result", "note"):
            self.fields[name].required = True
        self.fields["visited_on"].initial = date.today
        if self.initial.get("visited_on") is None:  # the pending visit's empty date would hide today
            self.initial["visited_on"] = date.today()
        self.fields["adjustment"].help_text = "如有岗位调整，请写明；无则不填。"
        self.helper = self._helper()

    def clean_visited_on(self):
        day = self.cleaned_data["visited_on"]
        appointment = getattr(self.instance, "appointment", None) if self.instance.appointment_id else None
        if day and day > date.today():
            raise forms.ValidationError("回访日期不能晚于今天。")
        if day and appointment is not None and day < appointment.appointed_on:
            raise forms.ValidationError(f"回访日期不能早于任用日期（{appointment.appointed_on:%Y年%m月%d日}）。")
        return day


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


class _RecordForm(_Crispy, forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.DateField):
                field.widget = DATE
            elif isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 3
        self.helper = self._helper()


class MentorForm(_RecordForm):
    class Meta:
        model = Mentor
        fields = ["mentor_name", "mentor_post", "start", "end"]


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
        fields = ["date", "post", "unit", "into_township_leadership", "note"]


class KeyMarkForm(_RecordForm):
    class Meta:
        model = Candidate
        fields = ["key_training_object", "key_training_since"]

    def clean(self):
        data = super().clean()
        if data.get("key_training_object") and not data.get("key_training_since"):
            self.add_error("key_training_since", "请填写列为重点培养对象的日期。")
        return data


class MarksForm(_RecordForm):
    class Meta:
        model = Candidate
        fields = ["wulei_priority", "wulei_category", "exam_priority"]


class AppraisalForm(_RecordForm):
    """Annual appraisal: 5 dimensions × 4 ratings of vote tallies, grade, opinion."""

    class Meta:
        model = Appraisal
        fields = ["year", "appraised_on", "grade", "opinion"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
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
            Row(Column("year", css_class="col-md-3"), Column("appraised_on", css_class="col-md-3"), Column("grade", css_class="col-md-6")),
            Fieldset("党员群众代表评议票数（好/较好/一般/差）", *rows),
            "opinion",
        )

    def clean(self):
        data = super().clean()
        self.instance.tallies = {
            dim: {rating: data.get(f"t_{d}_{r}") or 0 for r, (rating, _) in enumerate(RATINGS)}
            for d, (dim, _) in enumerate(APPRAISAL_DIMENSIONS)
        }
        return data


class TrainingSessionForm(_RecordForm):
    class Meta:
        model = TrainingSession
        fields = ["date", "topic", "hours", "teacher", "place", "for_all", "trainees"]
        widgets = {"trainees": forms.CheckboxSelectMultiple}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainees"].queryset = Candidate.objects.visible_to(user).training().select_related("village")
        self.fields["trainees"].label_from_instance = lambda c: f"{c.name}（{c.village.name}）"
        self.fields["trainees"].help_text = "仅当不面向全体培养对象时勾选。"

    def clean(self):
        data = super().clean()
        if not data.get("for_all") and not data.get("trainees"):
            self.add_error("trainees", "不面向全体时，请勾选参训人员。")
        return data


class AttendanceForm(forms.Form):
    candidates = forms.ModelMultipleChoiceField(
        label="到课人员", queryset=Candidate.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidates"].queryset = queryset
