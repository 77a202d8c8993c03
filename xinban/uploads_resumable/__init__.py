"""Resumable chunked uploads of large files (presentation videos up to 2 GB): a small
tus-like protocol (``views``), the services behind it (``services``) and a widget
(``{% load chunked_upload %}{% chunked_upload "presentation_video" target=... %}``)."""
