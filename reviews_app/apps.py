from django.apps import AppConfig


class ReviewsAppConfig(AppConfig):
    name = "reviews_app"
    default_auto_field = "django.db.models.BigAutoField"
