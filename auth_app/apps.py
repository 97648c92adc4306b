from django.apps import AppConfig


class AuthAppConfig(AppConfig):
    name = "auth_app"
    default_auto_field = "django.db.models.BigAutoField"
