"""Profiles: the public face of an account, one per user and keyed by the user's id."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import PLAIN_TEXT_HELP, PlainTextValidator


class Profile(models.Model):
    """Extra details of one user; created together with the user, its primary key is the user id."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="profile"
    )
    file = models.ImageField(upload_to="profile_images/", blank=True, default="")
    location = models.CharField(
        max_length=255, blank=True, default="", validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP
    )
    tel = models.CharField(
        max_length=50, blank=True, default="", validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP
    )
    description = models.TextField(blank=True, default="", validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP)
    working_hours = models.CharField(
        max_length=255, blank=True, default="", validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        ordering = ["user_id"]

    def __str__(self):
        return f"Profile of {self.user_id}"
