from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailUserManager(UserManager["User"]):
    use_in_migrations = True

    def _create_user_with_email(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("E-mail is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user_with_email(email, password, **extra)

    def create_superuser(  # type: ignore[override]
        self, email: str, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("is_association_staff", True)
        extra.setdefault("email_verified", True)
        return self._create_user_with_email(email, password, **extra)


class User(AbstractUser):
    """A person. Their roles come from memberships (organisation, unit, guiding unit)
    and from `is_association_staff` (质协 会员与质量推进部)."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("电子邮箱"), unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机"), max_length=11, blank=True)
    email_verified = models.BooleanField(_("邮箱已验证"), default=False)
    is_association_staff = models.BooleanField(
        _("质协工作人员"),
        default=False,
        help_text=_("上海市质协会员与质量推进部的工作人员"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    objects = EmailUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name


class LoginFailure(models.Model):
    """Failed login attempts, kept for throttling and for staff to review."""

    email = models.CharField(max_length=254, db_index=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.email} {self.at:%Y-%m-%d %H:%M}"
