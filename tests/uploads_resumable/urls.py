"""Test-only URLconf: the whole site plus a page with the upload widget in a form (no page
of the platform uses the widget yet)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns

PAGE = """{% extends "base.html" %}{% load chunked_upload %}
{% block content %}
<h1 class="h4">上传汇报视频</h1>
<form method="post" action="/" id="video-form">{% csrf_token %}
  {% chunked_upload "presentation_video" target=target widget_id="video" label="汇报视频" %}
  <button class="btn btn-primary" type="submit">提交</button>
</form>
{% endblock %}"""


def widget_page(request: HttpRequest) -> HttpResponse:
    template = engines["django"].from_string(PAGE)
    return HttpResponse(template.render({"target": "test.candidate:1"}, request))


urlpatterns = [
    path("test-upload-widget/", widget_page, name="test_upload_widget"),
    *site_urlpatterns,
]
