from django.apps import AppConfig


class GeneralAppConfig(AppConfig):
    name = "general_app"
    default_auto_field = "django.db.models.BigAutoField"
