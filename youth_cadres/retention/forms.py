"""Input shapes of the retention pages. The rules live in ``workflow``; forms parse what
was typed and limit choices (owners are county staff, measures and categories the
active ones)."""

from __future__ import annotations

from datetime import date

from django import forms

from cadre_portal.models import CodeItem, Role, User
from youth_cadres.forms import DATE, TEXT, NotFutureMixin, PortalForm
from youth_cadres.retention import codes
from youth_cadres.retention.models import Demand, Intention, Measure


def _staff():
    return User.objects.filter(role=Role.COUNTY_STAFF, is_active=True).order_by("full_name", "username")


class StaffChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.display_name


class CategoryChoice(forms.ModelChoiceField):
    def label_from_instance(self, item):
        return item.name


def _categories():
    return CodeItem.objects.filter(table=codes.DEMAND_CATEGORY_TABLE, is_active=True).order_by("sort_order", "code")


class EnrolForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("entered_on",)
    entered_on = forms.DateField(label="纳入关怀日期", initial=date.today)
    interval_months = forms.IntegerField(label="访谈周期（月）", min_value=1, max_value=24, required=False,
                                         help_text="留空则按系统管理中该类人员的默认周期。")
    responsible = StaffChoice(label="负责同志", queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _staff()
        self.setup()


class IntervalForm(PortalForm, forms.Form):
    interval_months = forms.IntegerField(label="访谈周期（月）", min_value=1, max_value=24)
    responsible = StaffChoice(label="负责同志", queryset=User.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _staff()
        self.setup()


class InterviewForm(NotFutureMixin, PortalForm, forms.Form):
    """An interview, with up to one demand raised at it (more can be added on the care page)."""

    not_future = ("held_on",)
    held_on = forms.DateField(label="访谈日期", initial=date.today)
    interviewer = StaffChoice(label="访谈人", queryset=User.objects.none())
    unit_heard = forms.BooleanField(label="同时访谈所在单位（单位访谈）", required=False)
    unit_opinion = forms.CharField(label="单位意见", widget=TEXT, required=False)
    state_of_mind = forms.CharField(label="思想和工作动态", widget=TEXT)
    intention = forms.ChoiceField(label="本人意向", choices=[("", "请选择"), *Intention.choices])
    demand_category = CategoryChoice(label="提出的诉求：类别", queryset=CodeItem.objects.none(), required=False,
                                     help_text="未提出诉求则留空。")
    demand_nature = forms.ChoiceField(label="诉求性质", choices=Demand.Nature.choices, required=False)
    demand_content = forms.CharField(label="诉求内容", widget=TEXT, required=False)
    demand_owner = StaffChoice(label="承办人", queryset=User.objects.none(), required=False)
    demand_due_on = forms.DateField(label="办理期限", required=False, widget=DATE)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("interviewer", "demand_owner"):
            self.fields[name].queryset = _staff()
        if user is not None and user.role == Role.COUNTY_STAFF:
            self.fields["interviewer"].initial = user.pk
        self.fields["demand_category"].queryset = _categories()
        self.setup()

    def clean(self):
        data = super().clean()
        if data.get("demand_category"):
            for name in ("demand_content", "demand_owner", "demand_due_on"):
                if not data.get(name):
                    self.add_error(name, f"登记诉求时请填写{self.fields[name].label}。")
        return data


class DemandForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("raised_on",)
    category = CategoryChoice(label="诉求类别", queryset=CodeItem.objects.none())
    nature = forms.ChoiceField(label="诉求性质", choices=Demand.Nature.choices)
    content = forms.CharField(label="诉求内容", widget=TEXT)
    raised_on = forms.DateField(label="提出日期", initial=date.today)
    owner = StaffChoice(label="承办人", queryset=User.objects.none())
    due_on = forms.DateField(label="办理期限", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()
        self.fields["owner"].queryset = _staff()
        self.setup()


class NoteForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("on",)
    on = forms.DateField(label="办理日期", initial=date.today)
    note = forms.CharField(label="办理情况", widget=TEXT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class ResolveForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("closed_on",)
    closed_on = forms.DateField(label="办结日期", initial=date.today)
    resolution = forms.CharField(label="办理结果", widget=TEXT, required=False)
    pay_rise = forms.DecimalField(label="每月增资金额（元）", required=False, min_value=0, max_value=1_000_000,
                                  decimal_places=2, help_text="薪酬增资诉求必填。")

    def __init__(self, *args, demand=None, **kwargs):
        super().__init__(*args, **kwargs)
        if demand is not None and demand.category.code != codes.PAY:
            del self.fields["pay_rise"]
        self.setup()


class RefuseForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("closed_on",)
    closed_on = forms.DateField(label="办结日期", initial=date.today)
    reason = forms.CharField(label="无法解决的原因", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class HandleForm(PortalForm, forms.Form):
    note = forms.CharField(label="说明", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class MeasureChoice(forms.ModelChoiceField):
    def label_from_instance(self, m):
        return f"{m.title}（{m.effective_on:%Y-%m-%d}）"


class RetainForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("on",)
    on = forms.DateField(label="留下日期", initial=date.today)
    measure = MeasureChoice(label="起决定作用的措施", queryset=Measure.objects.none(), required=False,
                            help_text="个性诉求特事特办的，可不选，在下面写明做法。")
    note = forms.CharField(label="关键做法", widget=TEXT, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].queryset = Measure.objects.visible_to(user).select_related("category")
        self.setup()


class LostForm(NotFutureMixin, PortalForm, forms.Form):
    not_future = ("on",)
    on = forms.DateField(label="离开日期", initial=date.today)
    destination = forms.CharField(label="流失去向", max_length=200, required=False)
    note = forms.CharField(label="说明", widget=TEXT, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup()


class DemandChoices(forms.ModelMultipleChoiceField):
    def label_from_instance(self, d):
        return f"{d.care.name}（{d.care.workplace}）：{d.content[:40]}"


class MeasureForm(PortalForm, forms.Form):
    title = forms.CharField(label="措施名称", max_length=200)
    category = CategoryChoice(label="诉求类别", queryset=CodeItem.objects.none())
    content = forms.CharField(label="措施内容", widget=TEXT, required=False)
    effective_on = forms.DateField(label="实施日期", initial=date.today)
    amount_before = forms.DecimalField(label="调整前金额（元/月）", required=False, min_value=0, max_value=1_000_000, decimal_places=2,
                                       help_text="工作补贴类措施必填（如乡镇工作补贴由每月X元提高到Y元）。")
    amount_after = forms.DecimalField(label="调整后金额（元/月）", required=False, min_value=0, max_value=1_000_000, decimal_places=2)
    reduction_reason = forms.CharField(label="调低的理由", widget=TEXT, required=False, help_text="调整后低于调整前时必填。")
    demands = DemandChoices(label="由本措施解决的诉求", queryset=Demand.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple, help_text="只能选择与措施同类、尚未办结的诉求。")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()
        self.fields["demands"].queryset = (Demand.objects.visible_to(user).open()
                                           .select_related("care__cadre__unit", "care__candidate__village__parent", "category")
                                           .order_by("category__sort_order", "due_on", "pk"))
        self.setup()
