from django.apps import AppConfig


class GeneralAppConfig(AppConfig):
    name = "general_app"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the OpenAPI extension for LenientTokenAuthentication.
        from general_app import schema  # noqa: F401
