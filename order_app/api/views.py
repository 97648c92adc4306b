"""Orders (list, create, retrieve, status change, staff deletion) and the per-business order counts."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from auth_app.api.permissions import IsCustomerUser
from core.api.representation import ReadShape
from core.api.schema import DETAIL, errors
from core.db.prepared import PreparedQuery
from offer_app.models import OfferDetail
from order_app.api.permissions import IsOrderBusinessUser, IsStaffUser
from order_app.api.serializers import OrderCreateSerializer, OrderSerializer, OrderStatusSerializer
from order_app.models import Order
from order_app.services import order_create, order_delete, order_status_update

User = get_user_model()

ORDER_NOT_FOUND = _("No order with this id exists.")
# The answer to a write, read back once the write is committed (core.db.prepared).
ORDER_SHAPE = ReadShape(OrderSerializer)
ORDER_BY_ID = PreparedQuery(lambda pk: ORDER_SHAPE.values(Order.objects.filter(pk=pk)), int)
BUSINESS_USER_NOT_FOUND = _("No business user with this id exists.")

# PATCH bodies are partial for drf-spectacular, which would mark `status` optional; here it is required.
ORDER_STATUS_REQUEST = {
    "type": "object",
    "properties": {"status": {"type": "string", "enum": Order.Status.values}},
    "required": ["status"],
    "additionalProperties": False,
}


@extend_schema_view(
    list=extend_schema(
        summary="List the caller's orders",
        description=(
            "Orders in which the caller is the customer or the business user, newest first, as a bare array "
            "(not paginated). Staff accounts without a type take part in no orders and get an empty list."
        ),
        responses={200: OrderSerializer(many=True), **errors(401, 429)},
    ),
    create=extend_schema(
        summary="Order a package (customers only)",
        description=(
            "The business user and the package's terms (title, revisions, delivery time, price, features, "
            "type) are taken from the package; the order starts `in_progress`. Numbers may be sent as strings. "
            "`business_user_id` is optional and, when given, must be the package owner's id. Other keys (e.g. "
            "`customer_user`, `status`, `price`) are ignored. An unknown `offer_detail_id` answers 404."
        ),
        request=OrderCreateSerializer,
        responses={
            201: OrderSerializer,
            **errors(400, 401),
            403: OpenApiResponse(DETAIL, description="The caller is not a customer."),
            404: OpenApiResponse(DETAIL, description="No package with this `offer_detail_id`."),
            **errors(429),
        },
    ),
    retrieve=extend_schema(
        summary="One of the caller's orders",
        description="Only the order's customer and business user see it; for everyone else it does not exist.",
        responses={200: OrderSerializer, **errors(401, 404, 429)},
    ),
    partial_update=extend_schema(
        summary="Change an order's status (its business user only)",
        description=(
            "Body `{status}` only; any status may follow any other. Any other key is a 400 naming it. "
            "Everyone but the order's business user (its customer included) gets 403."
        ),
        request={"application/json": ORDER_STATUS_REQUEST},
        responses={200: OrderSerializer, **errors(400, 401, 403, 404, 429)},
    ),
    destroy=extend_schema(
        summary="Delete an order (staff only)",
        responses={204: OpenApiResponse(description="Order deleted."), **errors(401, 403, 404, 429)},
    ),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    queryset = Order.objects.all()
    serializer_class = OrderSerializer

    def get_permissions(self):
        if self.action == "create":
            return [IsCustomerUser()]
        if self.action == "partial_update":
            return [IsAuthenticated(), IsOrderBusinessUser()]
        if self.action == "destroy":
            return [IsStaffUser()]
        return [IsAuthenticated()]

    def get_queryset(self):
        # Reading is for participants only (others get 404). Changes look at every order, so that a
        # non-participant gets the contract's 403 and only an unknown id is a 404.
        orders = super().get_queryset()
        if self.action in ("list", "retrieve"):
            user = self.request.user
            orders = orders.filter(Q(customer_user=user) | Q(business_user=user))
        return orders

    def list(self, request, *args, **kwargs):
        return Response(ORDER_SHAPE.read(self.get_queryset()))

    def retrieve(self, request, *args, **kwargs):
        # Visibility is the queryset's (participants only), so the row is read straight away.
        rows = ORDER_SHAPE.read(self.get_queryset().filter(pk=kwargs["pk"]))
        if not rows:
            raise NotFound(ORDER_NOT_FOUND)
        return Response(rows[0])

    def _answer(self, order):
        """The order as the database now holds it (core.api.representation)."""
        return ORDER_BY_ID.first(order.pk)

    def get_object(self):
        try:
            return super().get_object()
        except Http404 as exc:
            raise NotFound(ORDER_NOT_FOUND) from exc

    def create(self, request, *args, **kwargs):
        serializer = OrderCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order = order_create(
            customer=request.user,
            offer_detail=OfferDetail(pk=serializer.validated_data["offer_detail_id"]),
            business_user_id=serializer.validated_data.get("business_user_id"),
        )
        return Response(self._answer(order), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        order = self.get_object()
        serializer = OrderStatusSerializer(order, data=request.data)
        serializer.is_valid(raise_exception=True)
        order_status_update(order=order, status=serializer.validated_data["status"])
        return Response(self._answer(order))

    def perform_destroy(self, instance):
        order_delete(order=instance)


class BusinessOrderCountView(APIView):
    """Counts, in the database, a business user's orders in `counted_status`, answered under `response_key`."""

    counted_status = None
    response_key = None

    def get(self, request, business_user_id):
        if not User.objects.filter(pk=business_user_id, type=User.Type.BUSINESS).exists():
            raise NotFound(BUSINESS_USER_NOT_FOUND)
        count = Order.objects.filter(business_user_id=business_user_id, status=self.counted_status).count()
        return Response({self.response_key: count})


def documented_count(view):
    """Documents a BusinessOrderCountView subclass from its `counted_status` and `response_key`."""
    status_label = Order.Status(view.counted_status).label.lower()
    component = "".join(word.title() for word in view.response_key.split("_"))
    return extend_schema_view(
        get=extend_schema(
            summary=f"Number of a business user's {status_label} orders",
            description=f"Counts the orders with status `{view.counted_status}` received by this business user.",
            tags=["orders"],
            parameters=[
                OpenApiParameter(
                    "business_user_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="A business user's id."
                )
            ],
            responses={
                200: inline_serializer(component, {view.response_key: serializers.IntegerField(min_value=0)}),
                **errors(401),
                404: OpenApiResponse(DETAIL, description="No business user has this id."),
                **errors(429),
            },
        )
    )(view)


@documented_count
class OrderCountView(BusinessOrderCountView):
    counted_status = Order.Status.IN_PROGRESS
    response_key = "order_count"


@documented_count
class CompletedOrderCountView(BusinessOrderCountView):
    counted_status = Order.Status.COMPLETED
    response_key = "completed_order_count"
