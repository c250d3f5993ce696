from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。注意密码区分大小写。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["username"].widget.attrs.update({"placeholder": "请输入用户名", "autofocus": True, "class": "form-control"})
        self.fields["password"].label = "密码"
        self.fields["password"].widget.attrs.update({"placeholder": "请输入密码", "class": "form-control"})


class PortalPasswordChangeForm(PasswordChangeForm):
    pass
