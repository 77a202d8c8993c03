from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.core import uploads
from xinban.learning.models import LessonKind


class CourseForm(forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=200)
    description = forms.CharField(
        label=_("简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    position = forms.IntegerField(
        label=_("排序"),
        required=False,
        min_value=0,
        max_value=32_767,
        initial=0,
        help_text=_("数字小的排在前面。"),
    )

    def clean_position(self) -> int:
        return self.cleaned_data["position"] or 0


class LessonForm(forms.Form):
    title = forms.CharField(label=_("课时名称"), max_length=200)
    kind = forms.ChoiceField(label=_("类型"), choices=LessonKind.choices)
    description = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    file = forms.FileField(
        label=_("文件"),
        required=False,
        help_text=_("文档：PDF、Word、Excel；视频：MP4、MOV、WebM。"),
        widget=forms.FileInput(
            attrs={
                "accept": uploads.accept_attribute(
                    [uploads.UploadKind.DOCUMENT, uploads.UploadKind.VIDEO]
                )
            }
        ),
    )
    url = forms.URLField(
        label=_("链接"),
        required=False,
        max_length=200,
        assume_scheme="https",
        help_text=_("链接类课时必填；视频也可以填写视频网站的链接。"),
    )
