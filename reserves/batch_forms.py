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


class BatchDecisionForm(forms.Form):
    """One village's list in a review queue: the village's decision and opinion, and for
    each person whether they are included and their own decision and reason (an
    exception). The list shown is posted back (``shown``) so a person somebody else
    handled meanwhile stops the batch instead of silently dropping out of it."""

    decision = forms.ChoiceField(label="本村处理意见", widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    opinion = forms.CharField(label="意见（退回、不予备案时为理由）", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2}))
    committee_date = forms.DateField(label="乡镇党委审议日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    shown = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, data=None, *, queue, people):
        super().__init__(data, initial={"decision": queue.actions[0], "committee_date": date.today(),
                                        "shown": ",".join(str(p.pk) for p in people)})
        self.queue = queue
        self.people = list(people)
        self.fields["decision"].choices = [(a, queue.action_labels[a]) for a in queue.actions]
        if not queue.needs_date:
            del self.fields["committee_date"]
        else:
            self.fields["committee_date"].required = True
        exceptions = [("", "同本村意见")] + [(a, queue.action_labels[a]) for a in queue.actions]
        for p in self.people:
            self.fields[f"include_{p.pk}"] = forms.BooleanField(
                label=f"办理{p.name}", required=False, initial=True,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input", "aria-label": f"办理{p.name}"}),
            )
            if len(queue.actions) > 1:
                self.fields[f"action_{p.pk}"] = forms.ChoiceField(label=f"{p.name}的处理", required=False, choices=exceptions)
            self.fields[f"reason_{p.pk}"] = forms.CharField(
                label=f"{p.name}的意见或理由", required=False, max_length=1000,
                widget=forms.TextInput(attrs={"placeholder": "个人意见或理由（不填则用本村意见）"}),
            )
        style_form_widgets(self)

    def clean_committee_date(self):
        value = self.cleaned_data.get("committee_date")
        if value is not None and value > date.today():
            raise forms.ValidationError("审议日期不能晚于今天。")
        return value

    def clean(self):
        data = super().clean()
        shown = {int(x) for x in (data.get("shown") or "").split(",") if x.isdigit()}
        pending = {p.pk for p in self.people}
        if shown != pending:
            gone = shown - pending
            raise forms.ValidationError(
                f"本村名单已有变化（{len(gone)} 人已由他人办理或已变更），请核对刷新后的名单再提交。" if gone
                else "本村名单已有变化（有新提交的人员），请核对刷新后的名单再提交。"
            )
        if not any(data.get(f"include_{p.pk}") for p in self.people):
            raise forms.ValidationError("请至少勾选一人。")
        return data

    def rows(self):
        return [
            (p, self[f"include_{p.pk}"], self[f"action_{p.pk}"] if f"action_{p.pk}" in self.fields else None, self[f"reason_{p.pk}"])
            for p in self.people
        ]

    def items(self):
        from reserves.workflow import BatchItem

        d = self.cleaned_data
        extra = {"committee_date": d["committee_date"]} if self.queue.needs_date else {}
        result = []
        for p in self.people:
            if not d.get(f"include_{p.pk}"):
                continue
            action = d.get(f"action_{p.pk}") or d["decision"]
            opinion = (d.get(f"reason_{p.pk}") or "").strip() or (d.get("opinion") or "").strip()
            result.append(BatchItem(candidate=p, action=action, opinion=opinion, extra=extra))
        return result
