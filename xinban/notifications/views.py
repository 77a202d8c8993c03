"""The user's notifications, and the staff's outbox and e-mail templates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.core.text import join_clauses
from xinban.notifications import selectors, services
from xinban.notifications.forms import PreferenceForm, TemplateForm
from xinban.notifications.models import (
    EmailTemplate,
    Notification,
    OutboxEmail,
    OutboxState,
    Preference,
    stuck_after,
)
from xinban.notifications.rendering import (
    allowed_placeholders,
    default_text,
    event_keys,
    placeholder_problems,
    split,
)


def _staff(request: AuthenticatedHttpRequest) -> None:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        count = services.notifications_mark_read(user=request.user)
        messages.success(request, _("已将 %(count)s 条通知标为已读。") % {"count": count})
        return redirect("notifications:inbox")
    page = Paginator(selectors.notifications_of(request.user), 30).get_page(request.GET.get("page"))
    preference = Preference.objects.filter(user=request.user).first()
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "preference_form": PreferenceForm(
                initial={"language": preference.language if preference else "zh-hans"}
            ),
        },
    )


@login_required
@require_POST
def read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    # Someone else's notification: 404 (one's own, already read: nothing to do).
    if not Notification.objects.filter(pk=pk, user=request.user).exists():
        raise Http404
    services.notifications_mark_read(user=request.user, pk=pk)
    return redirect("notifications:inbox")


@login_required
@require_POST
def preference(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PreferenceForm(request.POST)
    if form.is_valid():
        services.preference_set(user=request.user, language=form.cleaned_data["language"])
        messages.success(request, _("邮件语言已保存。"))
    else:
        messages.error(request, _("请选择邮件语言。"))
    return redirect("notifications:inbox")


@login_required
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    states = [*OutboxState.choices, (selectors.UNKNOWN, _("结果未知（发送中断）"))]
    state = request.GET.get("state", "")
    if state not in {value for value, _label in states}:
        state = ""
    q = request.GET.get("q", "").strip()[:100]
    page = Paginator(selectors.outbox(state=state, q=q), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/outbox.html",
        {
            "page": page,
            "state": state,
            "q": q,
            "states": states,
            "stuck_before": timezone.now() - stuck_after(),
        },
    )


@login_required
@require_POST
def outbox_retry(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _staff(request)
    email = get_object_or_404(OutboxEmail, pk=pk)
    try:
        services.outbox_retry(actor=request.user, email=email)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("邮件已重新排队发送。"))
    return redirect("notifications:outbox")


@login_required
def templates(request: AuthenticatedHttpRequest) -> HttpResponse:
    _staff(request)
    edited = set(EmailTemplate.objects.values_list("key", flat=True))
    rows = []
    for key in event_keys():
        subject, _body = split(default_text(key))
        rows.append({"key": key, "edited": key in edited, "default_subject": subject})
    return render(request, "notifications/templates.html", {"rows": rows})


class _Sample:
    """A preview value: shows its own path, e.g. «application.team_name»."""

    def __init__(self, path: str) -> None:
        self._path = path

    def __getattr__(self, name: str) -> _Sample:
        if name.startswith("_"):
            raise AttributeError(name)
        return _Sample(f"{self._path}.{name}")

    def __str__(self) -> str:
        return f"«{self._path}»"


def _sample_context(key: str) -> dict[str, Any]:
    """Sample values for the preview: each placeholder shows its own name."""
    return {name: _Sample(name) for name in allowed_placeholders(key)}


def _preview(form: TemplateForm, key: str, data: dict[str, str]) -> list[tuple[str, str, str]]:
    """The e-mail in Chinese (and in English when given) with sample values, or the
    placeholder problems as field errors (the same checks as saving)."""
    from django.template import Context, Template

    for name in ("subject_zh", "body_zh", "subject_en", "body_en"):
        problems = placeholder_problems(key, data[name])
        if problems:
            form.add_error(
                name,
                _("不能使用的占位符或模板错误：%(problems)s")
                % {"problems": join_clauses(problems)},
            )
    if form.errors:
        return []
    versions = [("zh", _("中文"))]
    if data["subject_en"] and data["body_en"]:
        versions.append(("en", _("英文")))
    ctx = Context(_sample_context(key), autoescape=False)
    return [
        (
            label,
            Template(data[f"subject_{suffix}"]).render(ctx),
            Template(data[f"body_{suffix}"]).render(ctx),
        )
        for suffix, label in versions
    ]


@login_required
@require_http_methods(["GET", "POST"])
def template_edit(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    _staff(request)
    if key not in event_keys():
        raise Http404
    current = EmailTemplate.objects.filter(key=key).first()
    initial: dict[str, str]
    if current is not None:
        initial = {
            "subject_zh": current.subject_zh,
            "body_zh": current.body_zh,
            "subject_en": current.subject_en,
            "body_en": current.body_en,
        }
    else:
        initial = {}
    form = TemplateForm(request.POST or None, initial=initial)
    preview: list[tuple[str, str, str]] = []
    if request.method == "POST" and "reset" in request.POST:
        services.template_reset(actor=request.user, key=key)
        messages.success(request, _("已恢复默认模板。"))
        return redirect("notifications:templates")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = _preview(form, key, data)
        else:
            try:
                services.template_save(actor=request.user, key=key, **data)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("邮件模板已保存。"))
                return redirect("notifications:templates")
    return render(
        request,
        "notifications/template_edit.html",
        {
            "key": key,
            "form": form,
            "default": default_text(key),
            "placeholders": sorted(allowed_placeholders(key)),
            "preview": preview,
            "edited": current is not None,
        },
    )
