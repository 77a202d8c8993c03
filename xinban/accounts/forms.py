from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from xinban.accounts import services
from xinban.core.middleware import client_ip_of
from xinban.core.validators import validate_mainland_mobile


class SignUpForm(forms.Form):
    email = forms.EmailField(label=_("电子邮箱"), help_text=_("用于登录和接收通知"))
    name = forms.CharField(label=_("姓名"), max_length=50)
    mobile = forms.CharField(
        label=_("手机"), max_length=11, required=False, validators=[validate_mainland_mobile]
    )
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("两次输入的密码不一致。"))
        elif p1:
            try:
                password_validation.validate_password(p1)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class ThrottledAuthenticationForm(AuthenticationForm):
    """Login by e-mail; repeated failures from one address or for one account are throttled
    and logged."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("邮箱或密码不正确。"),
        "throttled": _("登录失败次数过多，请 15 分钟后再试，或找回密码。"),
        "unverified": _("请先点击注册邮件中的链接验证邮箱。"),
    }

    def clean(self) -> dict[str, Any]:
        email = services.login_key(self.data.get("username") or "")
        ip = client_ip_of(self.request) if self.request else None
        if email and services.login_is_throttled(email=email, client_ip=ip):
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            data = super().clean()
        except forms.ValidationError:
            services.login_record_failure(email=email, client_ip=ip)
            raise
        services.login_clear_failures(email=email)
        return data

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            raise forms.ValidationError(self.error_messages["unverified"], code="unverified")


class TokenForm(forms.Form):
    token = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={"invalid": _("请输入身份验证器显示的6位数字。")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
