"""Offers: a business user's gig with exactly three packages (basic, standard, premium)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, Min, OuterRef, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.db.versions import DataVersion
from core.validators import PLAIN_TEXT_HELP, PlainTextValidator


class OfferType(models.TextChoices):
    BASIC = "basic", "Basic"
    STANDARD = "standard", "Standard"
    PREMIUM = "premium", "Premium"


PACKAGE_TYPES = [choice.value for choice in OfferType]

# Packages are listed basic, standard, premium: not alphabetical, so the database sorts on this rank.
PACKAGE_RANK = Case(*(When(offer_type=value, then=Value(rank)) for rank, value in enumerate(PACKAGE_TYPES)))


def refresh_offer_aggregates(offers, *, touch=False):
    """Recompute the stored package minima of every offer in the queryset with one UPDATE.

    `touch` also sets `updated_at`, for package edits that did not go through the offer's own save().
    Every package write ends here (the services, offer_app.signals, bulk loads), so this is also where the
    list's filters on the minima learn that the offers changed (OfferListVersion).
    """
    packages = OfferDetail.objects.filter(offer=OuterRef("pk")).order_by().values("offer")
    changes = {
        "min_price": Subquery(packages.annotate(m=Min("price")).values("m")[:1]),
        "min_delivery_time": Subquery(packages.annotate(m=Min("delivery_time_in_days")).values("m")[:1]),
    }
    if touch:
        changes["updated_at"] = timezone.now()
    updated = offers.update(**changes)
    OfferListVersion.changed()
    return updated


class Offer(models.Model):
    """A business user's offer; `min_price` and `min_delivery_time` mirror its packages' minima.

    The two minima are stored (and indexed) so the public list can filter and order on them without
    aggregating every package on every request. `refresh_offer_aggregates()` recomputes them in the
    database: the services call it after writing packages in bulk, and offer_app.signals after any single
    package save or delete (the admin, the shell).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(max_length=255, validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP)
    image = models.ImageField(upload_to="offer_images/", blank=True, null=True)
    description = models.TextField(validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP)
    min_price = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True, editable=False)
    min_delivery_time = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="offer_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="offer_created_idx"),
            models.Index(fields=["min_price", "id"], name="offer_min_price_idx"),
            models.Index(fields=["min_delivery_time"], name="offer_min_delivery_idx"),
            models.Index(fields=["user", "-updated_at"], name="offer_user_updated_idx"),
        ]
        # On PostgreSQL the search also has trigram indexes, made by migration 0003: GIN is PostgreSQL's own,
        # and an index declared here would be created on SQLite too.

    def __str__(self):
        return self.title

    def refresh_aggregates(self, *, touch=False):
        """Recompute min_price and min_delivery_time from the packages, in the database."""
        refresh_offer_aggregates(Offer.objects.filter(pk=self.pk), touch=touch)


class OfferDetail(models.Model):
    """One package of an offer; an offer has at most one package of each type."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="details")
    title = models.CharField(max_length=255, validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP)
    revisions = models.IntegerField(validators=[MinValueValidator(-1)], help_text="-1 means unlimited.")
    delivery_time_in_days = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    features = models.JSONField(
        default=list, blank=True, validators=[PlainTextValidator()], help_text=f"A list of texts. {PLAIN_TEXT_HELP}"
    )
    offer_type = models.CharField(max_length=10, choices=OfferType.choices)

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = [PACKAGE_RANK, "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "offer_type"], name="offerdetail_one_per_type"),
            models.CheckConstraint(condition=models.Q(revisions__gte=-1), name="offerdetail_revisions_gte_-1"),
            models.CheckConstraint(condition=models.Q(delivery_time_in_days__gte=1), name="offerdetail_delivery_gte_1"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="offerdetail_price_gte_0"),
            models.CheckConstraint(condition=models.Q(offer_type__in=PACKAGE_TYPES), name="offerdetail_type_valid"),
        ]

    def __str__(self):
        return f"{self.offer_id} · {self.offer_type}"


class OfferListVersion(DataVersion):
    """The offers' data version (core.db.versions): replaced with every write to an offer or a package.

    The list's counts are cached under it. offer_app.signals replaces it on every offer save and delete (the
    services, the admin, cascades from a deleted user), refresh_offer_aggregates() on every package write.
    """
