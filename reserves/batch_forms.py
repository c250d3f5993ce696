"""Forms of the county-scale pages: 换届 dates, vacancies per village, and the batch pages.

The record forms of one person live in ``reserves.forms``; these take many rows at
once and are checked as a whole (a batch applies to all or none).
"""

from __future__ import annotations

from datetime import date

from django import forms

from cadre_portal.filters import style_form_widgets
from cadre_portal.models import Region

MAX_VACANCIES = 20


class ElectionScheduleForm(forms.Form):
    """The county's next 换届 date and each township's own date (empty: the county's)."""

    county_date = forms.DateField(label="全县下次换届日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, county: Region, townships, current: dict[int, date]):
        super().__init__(data)
        self.county = county
        self.townships = list(townships)
        self.fields["county_date"].initial = current.get(county.pk)
        for t in self.townships:
            self.fields[f"t{t.pk}"] = forms.DateField(
                label=t.name, required=False, initial=current.get(t.pk), widget=forms.DateInput(attrs={"type": "date"}),
            )
        style_form_widgets(self)

    def clean(self):
        data = super().clean()
        today = date.today()
        for name, value in list(data.items()):
            if value is not None and not (today.replace(year=today.year - 1) <= value <= today.replace(year=today.year + 10)):
                self.add_error(name, "换届日期应在去年至今后十年之内。")
        return data

    def township_fields(self):
        return [(t, self[f"t{t.pk}"]) for t in self.townships]

    def dates(self) -> dict[Region, date | None]:
        result = {self.county: self.cleaned_data.get("county_date")}
        for t in self.townships:
            result[t] = self.cleaned_data.get(f"t{t.pk}")
        return result


class SeatPlanForm(forms.Form):
    """One township's villages: posts expected to fall vacant at the next 换届 (empty: not entered)."""

    def __init__(self, data=None, *, villages, current: dict):
        super().__init__(data)
        self.villages = list(villages)
        for v in self.villages:
            plan = current.get(v.pk)
            self.fields[f"n{v.pk}"] = forms.IntegerField(
                label=f"{v.name}空缺岗位数", required=False, min_value=0, max_value=MAX_VACANCIES,
                initial=plan.vacancies if plan else None,
                error_messages={"min_value": "不能小于0。", "max_value": f"不能超过{MAX_VACANCIES}。", "invalid": "请填写整数。"},
            )
            self.fields[f"p{v.pk}"] = forms.CharField(
                label=f"{v.name}空缺岗位", required=False, max_length=200, initial=plan.posts if plan else "",
            )
        style_form_widgets(self)

    def clean(self):
        data = super().clean()
        for v in self.villages:
            if data.get(f"p{v.pk}") and data.get(f"n{v.pk}") is None:
                self.add_error(f"n{v.pk}", "填写了空缺岗位，请同时填写空缺岗位数。")
        return data

    def rows(self):
        return [(v, self[f"n{v.pk}"], self[f"p{v.pk}"]) for v in self.villages]

    def plans(self) -> dict[int, tuple[int | None, str]]:
        return {v.pk: (self.cleaned_data.get(f"n{v.pk}"), self.cleaned_data.get(f"p{v.pk}") or "") for v in self.villages}
