from django.apps import AppConfig


class ProfileAppConfig(AppConfig):
    name = "profile_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from profile_app import signals  # noqa: F401
