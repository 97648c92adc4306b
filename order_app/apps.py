from django.apps import AppConfig


class OrderAppConfig(AppConfig):
    name = "order_app"
    default_auto_field = "django.db.models.BigAutoField"
