"""Input shapes: the form's options (occasion, dates, signatory) and the .lrmx upload."""

from __future__ import annotations

from django import forms

from cadre_portal.documents.formdata import FormValueError, parse_month
from cadre_portal.documents.registry import FormOptions


class MonthField(forms.CharField):
    """A month typed as ``2024.05``, ``202405``, ``2024-05`` or ``2024年5月``. A text box,
    not the browser's month picker, whose labels follow the browser's language."""

    widget = forms.TextInput(attrs={"class": "rmb-input", "size": 8, "placeholder": "如 2024.06", "inputmode": "numeric"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return parse_month(value, label=self.label or "日期")
        except FormValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class FormOptionsForm(forms.Form):
    """What to put in the form's appointment part; empty fields take the source's defaults."""

    occasion = forms.ChoiceField(label="任免事项", required=False)
    age_date = MonthField(label="计算年龄时间", required=False)
    filled_on = MonthField(label="填表时间", required=False)
    filled_by = forms.CharField(label="填表人", max_length=32, required=False, widget=forms.TextInput(attrs={"class": "rmb-input", "size": 8}))
    reporting_unit = forms.CharField(label="呈报单位", max_length=100, required=False, widget=forms.TextInput(attrs={"class": "rmb-input", "size": 16}))

    def __init__(self, *args, occasions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(o.key, o.label) for o in occasions]
        self.fields["occasion"].choices = [("", "（不填拟任、拟免）")] + choices if choices else [("", "（无任免事项）")]
        self.fields["occasion"].widget.attrs["class"] = "rmb-input"

    def options(self) -> FormOptions:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return FormOptions(
            occasion=data.get("occasion") or None,
            age_date=data.get("age_date"),
            filled_on=data.get("filled_on"),
            filled_by=(data.get("filled_by") or "").strip() or None,
            reporting_unit=(data.get("reporting_unit") or "").strip() or None,
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class LrmxUploadForm(forms.Form):
    files = MultipleFileField(
        label="任免表文件",
        help_text="可一次选择多个 .lrmx 文件，或包含它们的 .zip 压缩包。",
        widget=MultipleFileInput(attrs={"accept": ".lrmx,.xml,.zip", "class": "form-control"}),
        error_messages={"required": "请选择要导入的 .lrmx 文件。"},
    )
