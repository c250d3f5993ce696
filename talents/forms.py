"""Input shapes of the talents pages. Rules live in ``talents.services`` (checked here
so each message sits next to its field) and ``talents.workflow``; forms parse and show."""

from __future__ import annotations

from datetime import date

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Fieldset, Layout, Row
from django import forms

from cadre_portal import idcard
from cadre_portal.models import CodeItem, Region, Unit
from talents import codes, domains, services
from talents.models import (
    ArtsOrganization,
    Membership,
    OrgActivity,
    PlanLine,
    Platform,
    RecruitmentPlan,
    Support,
    Talent,
    tags_text,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})
BLANK = "请选择"


def _chinese_blanks(form) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and not isinstance(field, forms.ModelMultipleChoiceField):
            if field.empty_label is not None and str(field.empty_label).startswith("---"):
                field.empty_label = BLANK
        elif isinstance(field, forms.TypedChoiceField) or type(field) is forms.ChoiceField:
            field.choices = [(v, BLANK if v == "" and str(label).startswith("---") else label) for v, label in field.choices]


def _helper(form, layout=None) -> FormHelper:
    _chinese_blanks(form)
    helper = FormHelper()
    helper.form_tag = False
    if layout is not None:
        helper.layout = layout
    return helper


def _add_problems(form, problems: dict) -> None:
    for field, message in problems.items():
        form.add_error(field if field in form.fields else None, message)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.full_name() or obj.name


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.region.name}）"


def _units(user, domain):
    return Unit.objects.visible_to(user).filter(domain=domain).select_related("region").order_by("region__path", "sort_order", "name")


def _regions(user):
    return Region.objects.visible_to(user).filter(level__gte=Region.Level.COUNTY).select_related("parent").order_by("path")


class TalentChoiceField(forms.ModelChoiceField):
    """A talent by name and workplace (two people may share a name)."""

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.unit_name or '无单位'}）"


class PlanLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.plan.year}年 · {obj.category.name} · {obj.channel.name}（计划 {obj.planned} 人）"


class TalentForm(forms.ModelForm):
    """A talent of one domain: the shared core plus the domain's own fields (``d_<key>``)."""

    unit = UnitChoiceField(label="工作单位", queryset=Unit.objects.none(), required=False,
                           help_text="本领域单位名录中的单位；不在名录中的，请填写下方的单位名称和工作地点。")
    region = RegionChoiceField(label="工作地点", queryset=Region.objects.none(), required=False,
                               help_text="未选工作单位时必填；选了工作单位的，按单位所在区划。")
    served_unit = UnitChoiceField(label="服务单位", queryset=Unit.objects.none(), required=False)
    plan_line = PlanLineChoiceField(label="计入招引计划", queryset=PlanLine.objects.none(), required=False,
                                    help_text="招引人才可计入当年招引计划中人才类别和招引渠道相同的一项。")
    tag_text = forms.CharField(label="标签", required=False, max_length=200, help_text="多个标签用顿号分隔，如：青年、返乡")

    class Meta:
        model = Talent
        fields = [
            "name", "id_number", "sex", "birth_date", "ethnicity", "political_status", "education", "degree", "phone",
            "native_place", "category", "level", "unit", "workplace", "region", "post", "title_name", "title_level",
            "speciality", "honours", "origin", "channel", "recruited_on", "plan_line", "served_unit",
        ]
        widgets = {"birth_date": DATE, "recruited_on": DATE, "honours": TEXT}
        help_texts = {"sex": "可不填，按身份证号码识别。", "birth_date": "可不填，按身份证号码识别。"}

    def __init__(self, *args, user, domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.domain = domains.get(domain)
        self.instance.domain = domain
        categories = CodeItem.objects.filter(table=self.domain.category_table)
        current = self.instance.category_id if self.instance.pk else None
        self.fields["category"].queryset = categories.filter(models_q_active(current))
        self.fields["channel"].queryset = CodeItem.objects.filter(table=codes.CHANNEL_TABLE).filter(
            models_q_active(self.instance.channel_id if self.instance.pk else None))
        self.fields["unit"].queryset = _units(user, domain)
        self.fields["region"].queryset = _regions(user)
        self.fields["plan_line"].queryset = (
            PlanLine.objects.visible_to(user).filter(plan__domain=domain).select_related("plan", "category", "channel")
            .order_by("-plan__year", "category__sort_order", "channel__sort_order")
        )
        self.fields["plan_line"].widget.attrs["data-plan-lines"] = "1"
        if self.domain.served_unit_label:
            self.fields["served_unit"].queryset = _units(user, domain)
            self.fields["served_unit"].label = self.domain.served_unit_label
            self.fields["served_unit"].help_text = self.domain.served_unit_help
        else:
            del self.fields["served_unit"]
        self.fields["tag_text"].initial = "、".join(self.instance.tag_list)
        self.fields["category"].empty_label = "请选择人才类别"
        for item in self.domain.fields:
            self.fields[f"d_{item.key}"] = _detail_formfield(item, (self.instance.details or {}).get(item.key))
        self.plan_lines_json = {
            str(line.pk): {"year": line.plan.year, "category": line.category_id, "channel": line.channel_id}
            for line in self.fields["plan_line"].queryset
        }
        detail_rows = [Row(*[Column(f"d_{item.key}", css_class="col-md-4") for item in self.domain.fields[i:i + 3]])
                       for i in range(0, len(self.domain.fields), 3)]
        if "served_unit" in self.fields:
            detail_rows.append(Row(Column("served_unit", css_class="col-md-6")))
        self.helper = _helper(self, Layout(
            Fieldset(
                "基本信息",
                Row(Column("name", css_class="col-md-3"), Column("id_number", css_class="col-md-5"), Column("phone", css_class="col-md-4")),
                Row(Column("sex", css_class="col-md-2"), Column("birth_date", css_class="col-md-3"), Column("ethnicity", css_class="col-md-3"),
                    Column("political_status", css_class="col-md-4")),
                Row(Column("education", css_class="col-md-4"), Column("degree", css_class="col-md-4"), Column("native_place", css_class="col-md-4")),
            ),
            Fieldset(
                "人才信息",
                Row(Column("category", css_class="col-md-5"), Column("level", css_class="col-md-3"), Column("tag_text", css_class="col-md-4")),
                Row(Column("unit", css_class="col-md-6"), Column("post", css_class="col-md-6")),
                Div(Row(Column("workplace", css_class="col-md-6"), Column("region", css_class="col-md-6")), css_id="workplace-fields"),
                Row(Column("title_name", css_class="col-md-4"), Column("title_level", css_class="col-md-3"), Column("speciality", css_class="col-md-5")),
                "honours",
            ),
            Fieldset(
                "来源",
                Row(Column("origin", css_class="col-md-3")),
                Div(Row(Column("channel", css_class="col-md-3"), Column("recruited_on", css_class="col-md-3"),
                        Column("plan_line", css_class="col-md-6")), css_id="recruitment-fields"),
            ),
            Fieldset(f"{self.domain.label}领域信息", *detail_rows) if detail_rows else Div(),
        ))

    def clean_id_number(self):
        value = self.cleaned_data["id_number"]
        try:
            return idcard.parse(value).number
        except idcard.IDNumberError as exc:
            raise forms.ValidationError(str(exc), code="invalid_id_number") from None

    def clean(self):
        data = super().clean()
        details = {}
        for item in self.domain.fields:
            value = data.get(f"d_{item.key}")
            details[item.key] = value
        try:
            self.instance.details = self.domain.clean_details(details)
        except forms.ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(f"d_{key}" if f"d_{key}" in self.fields else None, messages)
        self.instance.tags = tags_text((data.get("tag_text") or "").replace("，", "、").replace(",", "、").split("、"))
        return data

    def _post_clean(self):
        super()._post_clean()
        if self.errors:
            return
        talent = self.instance
        talent.fill_derived_fields()
        services.normalize_talent(talent)
        _add_problems(self, services.talent_problems(talent))

    def validate_constraints(self):
        # The domain is not a form field, so Django would skip the per-domain unique rule:
        # services.talent_problems checks it with a message that names the record.
        pass


def models_q_active(current_pk):
    from django.db.models import Q

    return Q(is_active=True) | Q(pk=current_pk) if current_pk else Q(is_active=True)


def _detail_formfield(item, value):
    common = {"label": item.label, "required": item.required, "help_text": item.help_text}
    if item.kind == "bool":
        return forms.BooleanField(initial=bool(value), **{**common, "required": False})
    if item.kind in ("choice", "code"):
        return forms.ChoiceField(choices=[("", BLANK), *item.choice_pairs()], initial=value or "", **common)
    if item.kind == "int":
        return forms.IntegerField(min_value=item.min_value, max_value=item.max_value, initial=value, **common)
    if item.kind == "date":
        return forms.DateField(widget=DATE, initial=date.fromisoformat(value) if value else None, **common)
    return forms.CharField(max_length=item.max_length, initial=value or "", **common)


class StatusForm(forms.Form):
    """A status move: its business date and why."""

    on = forms.DateField(label="变动日期", widget=DATE, initial=date.today)
    reason = forms.CharField(label="说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.helper = _helper(self)


class SupportForm(forms.ModelForm):
    class Meta:
        model = Support
        fields = ["date", "kind", "amount", "partner", "note"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = date.today
        self.helper = _helper(self)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value and value > date.today():
            raise forms.ValidationError("扶持日期不能晚于今天。")
        return value


# --- platforms ------------------------------------------------------------------------------------


class PlatformForm(forms.ModelForm):
    host_unit = UnitChoiceField(label="依托单位", queryset=Unit.objects.none())
    leader = TalentChoiceField(label="领衔人", queryset=Talent.objects.none(), required=False,
                                    help_text="本领域人才库中的人才；保存后自动成为平台成员（领衔人）。")
    served_units = forms.ModelMultipleChoiceField(label="服务的企业或单位", queryset=Unit.objects.none(), required=False,
                                                  widget=forms.SelectMultiple(attrs={"size": 6}),
                                                  help_text="可多选（按住 Ctrl 键点选）。")

    class Meta:
        model = Platform
        fields = ["name", "kind", "level", "host_unit", "leader", "established_on", "location", "served_units",
                  "served_places", "description"]
        widgets = {"established_on": DATE, "description": TEXT}

    def __init__(self, *args, user, domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.domain = domain
        self.fields["kind"].choices = [("", BLANK), *domains.platform_kind_choices(domain)]
        self.fields["host_unit"].queryset = _units(user, domain)
        self.fields["leader"].queryset = (Talent.objects.visible_to(user).filter(domain=domain, status=Talent.Status.ON_POST)
                                          .select_related("unit").order_by("name_pinyin", "pk"))
        self.fields["served_units"].queryset = Unit.objects.visible_to(user).select_related("region").order_by("region__path", "name")
        if self.instance.pk:
            self.fields["served_units"].initial = list(self.instance.served_units.values_list("pk", flat=True))
        self.helper = _helper(self, Layout(
            Row(Column("name", css_class="col-md-6"), Column("kind", css_class="col-md-3"), Column("level", css_class="col-md-3")),
            Row(Column("host_unit", css_class="col-md-6"), Column("leader", css_class="col-md-3"), Column("established_on", css_class="col-md-3")),
            Row(Column("location", css_class="col-md-6"), Column("served_places", css_class="col-md-6")),
            "served_units", "description",
        ))

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            _add_problems(self, services.platform_problems(self.instance))

    def validate_constraints(self):
        pass  # the per-domain unique name is in platform_problems, with a Chinese message


class MemberForm(forms.Form):
    talent = TalentChoiceField(label="人才", queryset=Talent.objects.none(), empty_label="请选择本领域人才")
    role = forms.ChoiceField(label="角色", choices=Membership.Role.choices, initial=Membership.Role.MEMBER)
    joined_on = forms.DateField(label="加入日期", widget=DATE, required=False, initial=date.today)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, user, platform: Platform, **kwargs):
        super().__init__(*args, **kwargs)
        current = platform.memberships.filter(left_on__isnull=True).values("talent_id")
        # Only this domain's talents are offered; a forged id of another domain is "not a valid choice".
        self.fields["talent"].queryset = (
            Talent.objects.visible_to(user).filter(domain=platform.domain, status=Talent.Status.ON_POST).exclude(pk__in=current)
            .select_related("unit").order_by("name_pinyin", "pk")
        )
        self.fields["talent"].error_messages["invalid_choice"] = f"请选择{platform.get_domain_display()}领域人才库中的人才（平台成员须为本领域人才）。"
        self.helper = _helper(self, Layout(Row(
            Column("talent", css_class="col-md-4"), Column("role", css_class="col-md-2"), Column("joined_on", css_class="col-md-3"),
            Column("note", css_class="col-md-3"),
        )))


class EndMembershipForm(forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DATE, initial=date.today)


# --- plans -----------------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    class Meta:
        model = RecruitmentPlan
        fields = ["year", "approved_on", "note"]
        widgets = {"approved_on": DATE, "note": TEXT}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.fields["year"].initial = date.today().year
        else:
            self.fields["year"].disabled = True
        self.fields["year"].widget.attrs.update({"min": 2000, "max": 2100})
        self.helper = _helper(self, Layout(Row(Column("year", css_class="col-md-3"), Column("approved_on", css_class="col-md-3")), "note"))

    def clean_year(self):
        year = self.cleaned_data["year"]
        if year is not None and not 2000 <= year <= 2100:
            raise forms.ValidationError("年度应在 2000 至 2100 之间。")
        return year

    def validate_constraints(self):
        pass  # the once-per-year rule is in plan_problems (the domain and county are not form fields)


class PlanLineForm(forms.Form):
    category = forms.ModelChoiceField(label="人才类别", queryset=CodeItem.objects.none())
    channel = forms.ModelChoiceField(label="招引渠道", queryset=CodeItem.objects.none())
    planned = forms.IntegerField(label="计划人数", min_value=1, max_value=9999)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def __init__(self, *args, domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = CodeItem.objects.filter(table=domains.get(domain).category_table, is_active=True)
        self.fields["channel"].queryset = CodeItem.objects.filter(table=codes.CHANNEL_TABLE, is_active=True)
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = BLANK


class BasePlanLineFormSet(forms.BaseFormSet):
    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.has_changed() or self.can_delete and self._should_delete_form(form) or not hasattr(form, "cleaned_data"):
                continue
            key = (form.cleaned_data.get("category"), form.cleaned_data.get("channel"))
            if None in key:
                continue
            if key in seen:
                form.add_error("channel", "同一人才类别和招引渠道只能填写一行。")
            seen.add(key)

    def lines(self) -> list[dict]:
        return [
            {k: f.cleaned_data[k] for k in ("category", "channel", "planned", "note")}
            for f in self.forms
            if f.has_changed() and not (self.can_delete and self._should_delete_form(f)) and f.cleaned_data.get("category")
        ]


PlanLineFormSet = forms.formset_factory(PlanLineForm, formset=BasePlanLineFormSet, extra=3, can_delete=True)


# --- arts organizations -------------------------------------------------------------------------------


class OrganizationForm(forms.ModelForm):
    responsible_unit = UnitChoiceField(label="业务主管单位", queryset=Unit.objects.none())
    region = RegionChoiceField(label="所在区划", queryset=Region.objects.none())

    class Meta:
        model = ArtsOrganization
        fields = ["name", "kind", "responsible_unit", "region", "members_count", "founded_on", "leader_name", "phone", "note"]
        widgets = {"founded_on": DATE, "note": TEXT}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].queryset = _units(user, "culture")
        self.fields["region"].queryset = _regions(user)
        self.fields["members_count"].widget.attrs.update({"min": 0, "max": 100000})
        self.helper = _helper(self, Layout(
            Row(Column("name", css_class="col-md-6"), Column("kind", css_class="col-md-3"), Column("members_count", css_class="col-md-3")),
            Row(Column("responsible_unit", css_class="col-md-6"), Column("region", css_class="col-md-6")),
            Row(Column("founded_on", css_class="col-md-4"), Column("leader_name", css_class="col-md-4"), Column("phone", css_class="col-md-4")),
            "note",
        ))

    def _post_clean(self):
        super()._post_clean()
        if not self.errors:
            _add_problems(self, services.organization_problems(self.instance))

    def validate_constraints(self):
        pass  # the unique name is in organization_problems


class ActivityForm(forms.ModelForm):
    class Meta:
        model = OrgActivity
        fields = ["date", "title", "place", "participants", "note"]
        widgets = {"date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = date.today
        self.helper = _helper(self, Layout(
            Row(Column("date", css_class="col-md-3"), Column("title", css_class="col-md-5"), Column("place", css_class="col-md-4")),
            Row(Column("participants", css_class="col-md-3"), Column("note", css_class="col-md-9")),
        ))
