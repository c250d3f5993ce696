from django import forms

from cadre_portal.excel.reading import human_size, max_bytes, max_rows


class UploadForm(forms.Form):
    # An empty file is refused (and audited) by the import service, like every other refusal.
    file = forms.FileField(
        label="Excel 文件",
        allow_empty_file=True,
        error_messages={"required": "请选择要上传的 Excel 文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls", "data-max-bytes": max_bytes}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = (
            f"支持 .xlsx 和 .xls；文件不超过 {human_size(max_bytes())}，最多 {max_rows()} 行数据。"
            "上传后先预览，确认无误后才会写入。"
        )
        self.fields["file"].widget.attrs["data-max-bytes"] = max_bytes()
