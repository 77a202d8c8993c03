from django.apps import AppConfig


class RecommendationConfig(AppConfig):
    name = "xinban.recommendation"
    label = "recommendation"
