"""The score-sheet page, one view for the unit's judges (recommendation:judge_sheet) and
the association's experts (evaluation:expert_sheet): each URL configures it with how to
find the signed-in judge's sheet (404 for anyone else's), its template and where to go
after a save or a submission. Its 回避 button posts to :class:`ConflictView`, configured
the same way with the area's own declaration (docs/rules.md, rule 8). Scoring imports
neither of the two areas (docs/architecture.md, "Layers"): they hand it what differs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from xinban.accounts.models import User
from xinban.core.errors import ServiceError
from xinban.core.forms import add_service_error
from xinban.core.http import AuthenticatedHttpRequest
from xinban.scoring.forms import ConflictForm, SheetForm
from xinban.scoring.models import ScoreSheet
from xinban.scoring.services import sheet_deadline


class ScoreSheetView(LoginRequiredMixin, View):
    """GET shows the sheet with its application's materials; POST saves a draft (back to
    the sheet) or, with ``submit``, submits it (to ``home_url``). A refusal of the service
    shows on the form."""

    http_method_names = ["get", "post"]
    template_name: str = ""
    #: URL names: the sheet (takes ``pk``) and the judge's list of sheets.
    sheet_url: str = ""
    home_url: str = ""

    def get_sheet(self, *, user: User, pk: int) -> ScoreSheet:
        """The signed-in judge's sheet, or Http404: each URL passes its own (``as_view``)."""
        raise NotImplementedError

    def get(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        sheet = self.get_sheet(user=request.user, pk=pk)
        return self.render_page(request, sheet, SheetForm.for_sheet(sheet))

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        sheet = self.get_sheet(user=request.user, pk=pk)
        # An empty POST shows the sheet again, as a GET would (nothing is saved).
        form = SheetForm.for_sheet(sheet, request.POST or None)
        if form.is_bound and form.is_valid():
            submit = "submit" in request.POST
            try:
                form.save(actor=request.user, sheet=sheet, submit=submit)
            except ServiceError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("评分已提交。") if submit else _("草稿已保存。"))
                if submit:
                    return redirect(self.home_url)
                return redirect(self.sheet_url, pk=sheet.pk)
        return self.render_page(request, sheet, form)

    def render_page(
        self, request: AuthenticatedHttpRequest, sheet: ScoreSheet, form: SheetForm
    ) -> HttpResponse:
        app = sheet.application
        context: dict[str, Any] = {
            "sheet": sheet,
            "application": app,
            "attachments": list(app.attachments.all()),
            "form": form,
            "deadline": sheet_deadline(sheet),
            "conflict_form": ConflictForm(),
        }
        return render(request, self.template_name, context)


class ConflictView(LoginRequiredMixin, View):
    """POST declares a conflict of interest (回避) on the signed-in judge's sheet: the
    reason is required (back to the sheet with the message when it is missing or the
    service refuses); once declared, to the judge's list, the sheet withdrawn."""

    http_method_names = ["post"]
    sheet_url: str = ""
    home_url: str = ""

    def get_sheet(self, *, user: User, pk: int) -> ScoreSheet:
        """The signed-in judge's sheet, or Http404 (``as_view``)."""
        raise NotImplementedError

    def declare(self, *, actor: User, sheet: ScoreSheet, reason: str) -> object:
        """The area's service that records the declaration (``as_view``)."""
        raise NotImplementedError

    def post(self, request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        sheet = self.get_sheet(user=request.user, pk=pk)
        form = ConflictForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写回避原因。"))
            return redirect(self.sheet_url, pk=pk)
        try:
            self.declare(actor=request.user, sheet=sheet, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            messages.error(request, exc.message)
            return redirect(self.sheet_url, pk=pk)
        messages.success(request, _("已声明回避，该评审任务已撤回。"))
        return redirect(self.home_url)


def conflict_view(
    *,
    get_sheet: Callable[..., ScoreSheet],
    declare: Callable[..., object],
    sheet_url: str,
    home_url: str,
) -> Callable[..., HttpResponseBase]:
    """The 回避 action for one kind of sheet (what ``urls.py`` routes)."""
    view: Callable[..., HttpResponseBase] = ConflictView.as_view(
        get_sheet=get_sheet, declare=declare, sheet_url=sheet_url, home_url=home_url
    )
    return view


def score_sheet_view(
    *, get_sheet: Callable[..., ScoreSheet], template_name: str, sheet_url: str, home_url: str
) -> Callable[..., HttpResponseBase]:
    """The page for one kind of sheet (what ``urls.py`` routes)."""
    view: Callable[..., HttpResponseBase] = ScoreSheetView.as_view(
        get_sheet=get_sheet, template_name=template_name, sheet_url=sheet_url, home_url=home_url
    )
    return view
