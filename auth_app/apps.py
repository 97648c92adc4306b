from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _

TOKENS = _("Tokens")
# The apps that may hold the API tokens' models: DRF's authtoken, or django-rest-knox.
TOKEN_APPS = ("authtoken", "knox")


class AuthAppConfig(AppConfig):
    name = "auth_app"
    verbose_name = _("Accounts")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The tokens' admin section belongs to a library app ("Auth Token"); it is named for people like ours.
        for config in apps.get_app_configs():
            if config.label in TOKEN_APPS:
                config.verbose_name = TOKENS
