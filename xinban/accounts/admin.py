from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from xinban.accounts.models import LoginFailure, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "name", "is_association_staff", "email_verified", "is_active"]
    list_filter = ["is_association_staff", "email_verified", "is_active"]
    search_fields = ["email", "name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("个人信息"), {"fields": ("name", "mobile", "email_verified")}),
        (_("权限"), {"fields": ("is_active", "is_association_staff", "is_staff", "is_superuser")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),
    )


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["email", "client_ip", "at"]
    search_fields = ["email", "client_ip"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
