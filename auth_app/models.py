"""Accounts: one user model for customers, business users and staff."""

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from core.validators import PLAIN_TEXT_HELP, PlainTextValidator


class User(AbstractUser):
    """A Coderr account; `type` is customer or business, empty only for staff made by createsuperuser."""

    class Type(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        BUSINESS = "business", "Business"

    type = models.CharField(max_length=10, choices=Type.choices, blank=True, default="", db_index=True)
    # Django's fields with the plain-text rule: the profile shows them to every other user.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP
    )
    # A quoted local part makes '"<svg/onload=...>"@example.com' a valid address; the profile shows it too.
    email = models.EmailField(_("email address"), blank=True, validators=[PlainTextValidator()])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique", condition=~models.Q(email="")),
            models.CheckConstraint(condition=models.Q(type__in=["", "customer", "business"]), name="user_type_valid"),
        ]

    def save(self, *args, **kwargs):
        # The profile is created by a post_save receiver; one transaction keeps user and profile together,
        # also for accounts made outside the API (createsuperuser, the admin).
        with transaction.atomic(using=kwargs.get("using") or "default"):
            super().save(*args, **kwargs)
            if not self.is_active:
                # Deactivation revokes every API token at once: reactivating the account does not revive them.
                self.auth_token_set.all().delete()

    @property
    def is_business(self):
        return self.type == self.Type.BUSINESS

    @property
    def is_customer(self):
        return self.type == self.Type.CUSTOMER
