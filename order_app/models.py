"""Orders: a customer's purchase of one package, with a snapshot of that package."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from offer_app.models import PACKAGE_TYPES, OfferType


class Order(models.Model):
    """A customer's order of a business user's package; the package's terms are copied at order time.

    Deleting the offer keeps the order (`offer_detail` becomes NULL, the snapshot stays). Users who took
    part in orders are PROTECTed: deleting such a customer or business user raises ProtectedError and
    changes nothing (the admin lists the blocking orders), so no order ever disappears silently. Staff
    delete the orders first when an account really has to go.
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    customer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_as_customer"
    )
    business_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders_as_business"
    )
    offer_detail = models.ForeignKey(
        "offer_app.OfferDetail", on_delete=models.SET_NULL, null=True, blank=True, related_name="orders"
    )
    title = models.CharField(max_length=255)
    revisions = models.IntegerField(validators=[MinValueValidator(-1)])
    delivery_time_in_days = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    price = models.DecimalField(max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    features = models.JSONField(default=list, blank=True)
    offer_type = models.CharField(max_length=10, choices=OfferType.choices)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["customer_user", "-created_at"], name="order_customer_created_idx"),
            models.Index(fields=["business_user", "-created_at"], name="order_business_created_idx"),
            models.Index(fields=["business_user", "status"], name="order_business_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["in_progress", "completed", "cancelled"]), name="order_status_valid"
            ),
            models.CheckConstraint(condition=models.Q(offer_type__in=PACKAGE_TYPES), name="order_type_valid"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="order_price_gte_0"),
        ]

    def __str__(self):
        return f"Order {self.pk} · {self.title}"
