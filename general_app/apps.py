from django.apps import AppConfig


class GeneralAppConfig(AppConfig):
    name = "general_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from general_app import signals  # noqa: F401
