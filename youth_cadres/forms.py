"""Input shapes of the young-cadre pages. Business rules live in ``workflow`` and
``services``; forms parse and validate what was typed (and limit choices to the
user's scope)."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.db.models import Case, F, IntegerField, Value, When

from cadre_portal.models import Unit
from youth_cadres import cohorts
from youth_cadres.models import (
    AnnualAssessment,
    AppointmentRound,
    BankEntry,
    Cadre,
    CareerMilestone,
    CareerPlan,
    ConductNote,
    DossierAttachment,
    FamilyMember,
    IntegrityCheck,
    PerformanceCheck,
    Post,
    ResumeEntry,
    RewardPunishment,
    StudyRecord,
    SupervisionOpinion,
    TrainingPlan,
    TrainingPlanItem,
    TrainingRecord,
    WorkLogEntry,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_HELP = "填写到月即可（日可填1日）。"
TEXT = forms.Textarea(attrs={"rows": 3})
BLANK_LABEL = "请选择"
PHOTO_MAX_BYTES = 5 * 1024 * 1024
ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    "pdf": "application/pdf", "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png",
    "doc": "application/msword", "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _chinese_blank_choices(form) -> None:
    """Replace Django's "---------" blank option with a Chinese prompt."""
    for f in form.fields.values():
        if isinstance(f, forms.ModelChoiceField) and not isinstance(f, forms.ModelMultipleChoiceField):
            if f.empty_label is not None and f.empty_label.startswith("---"):
                f.empty_label = BLANK_LABEL
        elif isinstance(f, forms.TypedChoiceField) or type(f) is forms.ChoiceField:
            f.choices = [(v, BLANK_LABEL if v == "" and str(label).startswith("---") else label) for v, label in f.choices]


def _dates(form) -> None:
    for f in form.fields.values():
        if isinstance(f, forms.DateField):
            f.widget = DATE
            f.input_formats = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]


class PortalForm:
    """crispy helper without its own <form> tag: templates wrap forms (CSRF, action URL)."""

    layout = None

    def setup(self):
        _chinese_blank_choices(self)
        _dates(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        if self.layout is not None:
            self.helper.layout = self.layout


class NotFutureMixin:
    """Dates in these fields may not lie after today."""

    not_future: tuple[str, ...] = ()

    def clean(self):
        data = super().clean()
        for name in self.not_future:
            value = data.get(name)
            if value and value > date.today():
                self.add_error(name, f"{self.fields[name].label}不能晚于今天。")
        return data


# --- the cadre file -----------------------------------------------------------------------------


class CadreForm(PortalForm, forms.ModelForm):
    tag_choices = forms.MultipleChoiceField(
        label="标签", choices=cohorts.TAGS, required=False, widget=forms.CheckboxSelectMultiple,
        help_text="培养类别由出生日期、职务层次（职级）、任现职级时间、参加工作时间和这些标签自动确定，不能手工指定。",
    )

    class Meta:
        model = Cadre
        fields = [
            "name", "id_number", "sex", "birth_date", "ethnicity", "native_place", "birth_place", "political_status",
            "party_join", "work_start", "health", "phone",
            "unit", "current_post", "post_level", "rank", "level_since",
            "education", "degree", "fulltime_education", "fulltime_degree", "fulltime_school", "fulltime_degree_school",
            "inservice_education", "inservice_degree", "inservice_school", "inservice_degree_school",
            "professional_title", "specialty", "photo",
        ]
        labels = {"education": "最高学历", "degree": "最高学位"}
        help_texts = {
            "sex": "可不填，按身份证号码判断。", "birth_date": "可不填，按身份证号码判断。",
            "current_post": "按任免表写法填写，如“中共崇阳县天城镇委员会副书记”。",
            "photo": "JPG 或 PNG，不超过 5 MB；保存为任免审批表所用的 JPG 照片。",
            "fulltime_degree_school": "学位授予院校与毕业院校不同时填写（任免审批表中另起一行）。",
            "inservice_degree_school": "学位授予院校与毕业院校不同时填写（任免审批表中另起一行）。",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).exclude(kind=Unit.Kind.VILLAGE_ORG).select_related("region")
        self.fields["tag_choices"].initial = self.instance.tag_codes if self.instance.pk else []
        for name in ("party_join", "work_start", "level_since"):
            self.fields[name].help_text = MONTH_HELP
        self.layout = Layout(
            Fieldset("基本信息", Row(*[Column(n, css_class="col-md-3") for n in (
                "name", "id_number", "sex", "birth_date", "ethnicity", "native_place", "birth_place", "political_status",
                "party_join", "work_start", "health", "phone")])),
            Fieldset("单位和职务", Row(Column("unit", css_class="col-md-6"), Column("current_post", css_class="col-md-6")),
                     Row(*[Column(n, css_class="col-md-4") for n in ("post_level", "rank", "level_since")])),
            Fieldset("学历学位", Row(*[Column(n, css_class="col-md-4") for n in (
                "education", "degree", "professional_title", "fulltime_education", "fulltime_degree", "fulltime_school",
                "inservice_education", "inservice_degree", "inservice_school")]),
                Row(Column("fulltime_degree_school", css_class="col-md-6"), Column("inservice_degree_school", css_class="col-md-6")),
                "specialty"),
            Fieldset("标签和照片", "tag_choices", "photo"),
        )
        self.setup()

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > PHOTO_MAX_BYTES:
            raise forms.ValidationError("照片不能超过 5 MB。")
        return photo

    def clean(self):
        data = super().clean()
        for name in ("party_join", "work_start", "level_since"):
            value = data.get(name)
            if value and value > date.today():
                self.add_error(name, f"{self.fields[name].label}不能晚于今天。")
        birth, work = data.get("birth_date"), data.get("work_start")
        if birth and work and work < birth:
            self.add_error("work_start", "参加工作时间不能早于出生日期。")
        self.instance.set_tags(data.get("tag_choices") or [])
        return data


# --- per-cadre records ------------------------------------------------------------------------------


class ResumeForm(PortalForm, forms.ModelForm):
    class Meta:
        model = ResumeEntry
        fields = ["start", "end", "text"]
        help_texts = {"start": MONTH_HELP, "text": "如“XX大学XX专业学习”“XX镇人民政府科员”。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "终止年月不能早于起始年月。")
        return data


class FamilyForm(PortalForm, forms.ModelForm):
    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_date", "political_status", "work_unit_post", "sort_order"]
        help_texts = {"relation": "妻子、丈夫、儿子、女儿、父亲、母亲等。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].widget.attrs["list"] = "family-titles"
        self.setup()


class RewardForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("date",)

    class Meta:
        model = RewardPunishment
        fields = ["date", "kind", "text", "issued_by"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class AssessmentForm(PortalForm, forms.ModelForm):
    class Meta:
        model = AnnualAssessment
        fields = ["year", "result"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1950 <= year <= date.today().year:
            raise forms.ValidationError(f"年度应在 1950 至 {date.today().year} 之间。")
        return year


class TrainingRecordForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("start",)

    class Meta:
        model = TrainingRecord
        fields = ["plan_item", "dimension", "start", "end", "title", "content", "result"]

    def __init__(self, *args, user=None, cadre=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = TrainingPlanItem.objects.visible_to(user).select_related("plan")
        if cadre is not None:
            items = items.filter(plan__cohort=cadre.cohort)
        self.fields["plan_item"].queryset = items.order_by("-plan__year", "sort_order")
        self.fields["plan_item"].label_from_instance = lambda i: f"{i.plan.year}年 {i.get_dimension_display()}：{i.content[:30]}"
        if not self.fields["plan_item"].queryset.exists():
            del self.fields["plan_item"]
        self.setup()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "结束日期不能早于开始日期。")
        item = data.get("plan_item")
        if item and data.get("dimension") and item.dimension != data["dimension"]:
            self.add_error("dimension", f"与所选培养措施的维度（{item.get_dimension_display()}）不一致。")
        return data


class StudyForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("date",)

    class Meta:
        model = StudyRecord
        fields = ["date", "form", "topic", "hours", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class ConductForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("date",)

    class Meta:
        model = ConductNote
        fields = ["date", "aspect", "nature", "content", "source"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class WorkLogForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("date",)

    class Meta:
        model = WorkLogEntry
        fields = ["date", "content", "result"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class PerformanceForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("checked_on",)

    class Meta:
        model = PerformanceCheck
        fields = ["checked_on", "rating", "comment"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class SupervisionForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("date",)

    class Meta:
        model = SupervisionOpinion
        fields = ["source", "date", "given_by", "content"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class IntegrityForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("date",)

    class Meta:
        model = IntegrityCheck
        fields = ["date", "method", "result", "content"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class AttachmentForm(PortalForm, forms.ModelForm):
    class Meta:
        model = DossierAttachment
        fields = ["category", "title", "file"]
        help_texts = {"file": "PDF、Word、Excel 或图片，不超过 20 MB。"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = getattr(upload, "name", "") or ""
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in ATTACHMENT_TYPES:
            raise forms.ValidationError("只能上传 PDF、Word、Excel 或 JPG/PNG 图片。")
        if getattr(upload, "size", 0) > ATTACHMENT_MAX_BYTES:
            raise forms.ValidationError("文件不能超过 20 MB。")
        return upload


# --- the bank -----------------------------------------------------------------------------------------


def _post_choices(user):
    return Post.objects.visible_to(user).select_related("unit").order_by("unit__sort_order", "unit__name", "sort_order", "pk")


class PostChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, post):
        return f"{post.unit.name} · {post.title}（{post.get_level_display()}，在库 {post.candidate_count} 人）"


class RecommendForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("recommended_on",)
    source = forms.ChoiceField(label="推荐来源", choices=BankEntry.Source.choices)
    recommended_on = forms.DateField(label="推荐日期", initial=date.today)
    recommendation = forms.CharField(label="推荐理由", widget=TEXT, required=False)
    target_posts = PostChoiceField(label="培养目标岗位", queryset=Post.objects.none(), required=False,
                                   widget=forms.SelectMultiple(attrs={"size": 8}),
                                   help_text="按住 Ctrl 可多选；入库前须至少确定一个。")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_posts"].queryset = _post_choices(user)
        self.setup()


class OpinionForm(PortalForm, forms.Form):
    opinion = forms.CharField(label="意见", widget=TEXT, required=False)

    def __init__(self, *args, required=False, label="意见", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["opinion"].required = required
        self.fields["opinion"].label = label
        self.setup()


class InspectForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("on",)
    on = forms.DateField(label="考察开始日期", initial=date.today)
    opinion = forms.CharField(label="说明", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class AdmitForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("entry_date",)
    entry_date = forms.DateField(label="入库日期", initial=date.today)
    inspection_opinion = forms.CharField(label="考察意见", widget=TEXT)
    key_training = forms.BooleanField(label="列为重点培养对象", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class MarkForm(PortalForm, forms.Form):
    key_training = forms.BooleanField(label="列为重点培养对象", required=False)
    opinion = forms.CharField(label="说明", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class TargetsForm(PortalForm, forms.Form):
    posts = PostChoiceField(label="培养目标岗位", queryset=Post.objects.none(), widget=forms.SelectMultiple(attrs={"size": 10}),
                            help_text="按住 Ctrl 可多选。")
    opinion = forms.CharField(label="说明", widget=TEXT, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = _post_choices(user)
        self.setup()


class TransferForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("on",)
    on = forms.DateField(label="调出日期", initial=date.today)
    reason = forms.CharField(label="调出理由", widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class PostSelect(forms.ModelChoiceField):
    def label_from_instance(self, post):
        return f"{post.unit.name} · {post.title}（{post.get_level_display()}，职数 {post.headcount}，现任 {post.holder_count}）"


class AppointForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("appointed_on",)
    post = PostSelect(label="拟任岗位", queryset=Post.objects.none(), help_text="可跨机关、事业、企业“三支队伍”任用。")
    appointed_on = forms.DateField(label="任职时间", initial=date.today)
    removed_post = forms.CharField(label="拟免职务", max_length=200, required=False)
    reason = forms.CharField(label="任免理由", widget=TEXT, required=False)
    round = forms.ModelChoiceField(label="任免批次", queryset=AppointmentRound.objects.none(), required=False)
    release_current = forms.BooleanField(label="同时免去现任领导岗位", required=False, initial=True)

    def __init__(self, *args, user, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        posts = _post_choices(user).filter(holder_count__lt=F("headcount"))
        if entry is not None:
            targets = list(entry.targets.values_list("post_id", flat=True))
            if targets:
                self.fields["post"].help_text += " 培养目标岗位排在前面。"
                posts = posts.annotate(
                    is_target=Case(When(pk__in=targets, then=Value(0)), default=Value(1), output_field=IntegerField())
                ).order_by("is_target", "unit__sort_order", "unit__name", "sort_order", "pk")
            if entry.cadre.current_post:
                self.fields["removed_post"].initial = entry.cadre.current_post
        self.fields["post"].queryset = posts
        self.fields["round"].queryset = AppointmentRound.objects.visible_to(user)
        self.setup()


# --- posts --------------------------------------------------------------------------------------------


class PostForm(PortalForm, forms.ModelForm):
    class Meta:
        model = Post
        fields = ["unit", "title", "level", "headcount", "sort_order", "note"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.visible_to(user).exclude(kind=Unit.Kind.VILLAGE_ORG)
        if self.instance.pk:
            self.fields["unit"].disabled = True
        self.setup()

    def clean_headcount(self):
        value = self.cleaned_data["headcount"]
        if value < 1:
            raise forms.ValidationError("核定职数至少为 1 名。")
        if self.instance.pk and value < self.instance.holder_count:
            raise forms.ValidationError(f"现任 {self.instance.holder_count} 名，核定职数不能少于现任人数。")
        return value


class CadreSelect(forms.ModelChoiceField):
    def label_from_instance(self, cadre):
        return f"{cadre.name}（{cadre.unit.name} {cadre.current_post}）"


class HolderForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("start",)
    cadre = CadreSelect(label="干部", queryset=Cadre.objects.none())
    start = forms.DateField(label="任职时间")

    def __init__(self, *args, user, post, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = Cadre.objects.visible_to(user).select_related("unit").order_by("unit__name", "name")
        self.setup()


class EndHoldingForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("on",)
    on = forms.DateField(label="离任时间", initial=date.today)
    reason = forms.CharField(label="离任原因", max_length=200, help_text="如免职、调离、退休、到龄退出领导岗位。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


# --- training plans, career plans, rounds ------------------------------------------------------------------


class TrainingPlanForm(PortalForm, forms.ModelForm):
    class Meta:
        model = TrainingPlan
        fields = ["cohort", "year", "title", "goal"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].help_text = "；".join(f"{r.label}：{r.focus}" for r in cohorts.RULES)
        self.setup()

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 2000 <= year <= date.today().year + 1:
            raise forms.ValidationError(f"年度应在 2000 至 {date.today().year + 1} 之间。")
        return year


class PlanItemForm(PortalForm, forms.ModelForm):
    class Meta:
        model = TrainingPlanItem
        fields = ["dimension", "content", "line", "schedule", "sort_order"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class CareerPlanForm(NotFutureMixin, PortalForm, forms.ModelForm):
    not_future = ("made_on",)

    class Meta:
        model = CareerPlan
        fields = ["analysis", "goal", "path", "made_on"]
        widgets = {"analysis": TEXT, "path": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class MilestoneForm(PortalForm, forms.ModelForm):
    class Meta:
        model = CareerMilestone
        fields = ["due", "description", "done_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()

    def clean_done_on(self):
        value = self.cleaned_data.get("done_on")
        if value and value > date.today():
            raise forms.ValidationError("完成时间不能晚于今天。")
        return value


class ReviewForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("reviewed_on",)
    reviewed_on = forms.DateField(label="回顾日期", initial=date.today)
    summary = forms.CharField(label="规划落实情况", widget=TEXT)
    adjustments = forms.CharField(label="调整意见", widget=TEXT, required=False)
    next_review_due = forms.DateField(label="下次回顾日期", required=False, help_text="不填则为一年后。")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()

    def clean(self):
        data = super().clean()
        if data.get("reviewed_on") and data.get("next_review_due") and data["next_review_due"] <= data["reviewed_on"]:
            self.add_error("next_review_due", "下次回顾日期应晚于本次回顾日期。")
        return data


class RoundForm(PortalForm, forms.ModelForm):
    class Meta:
        model = AppointmentRound
        fields = ["title", "date", "reporting_unit", "filled_by", "filled_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()
