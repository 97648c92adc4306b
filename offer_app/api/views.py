"""Offers: the public list and detail, create for business users, edit and delete for the owner; packages."""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiRequest, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.generics import RetrieveAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from auth_app.api.permissions import IsBusinessUser
from core.api.authentication import LenientTokenAuthentication
from core.api.schema import DETAIL, errors
from core.db.ids import lookup_id
from offer_app.api.filters import OfferFilter
from offer_app.api.pagination import OfferPagination
from offer_app.api.permissions import IsOfferOwner
from offer_app.api.representations import OFFER_BY_ID, OFFER_LIST, OFFER_SHAPE, PACKAGE_BY_ID, OfferListing
from offer_app.api.serializers import (
    OfferDetailSerializer,
    OfferSerializer,
    OfferUpdateSchemaSerializer,
    OfferUpdateSerializer,
    OfferWriteSerializer,
    OfferWrittenSerializer,
)
from offer_app.models import Offer, OfferDetail
from offer_app.services import offer_create, offer_delete, offer_update


def offers_with_packages():
    """Offers with their packages in full, for the create and edit answers."""
    return Offer.objects.prefetch_related("details")


ERROR_404_PAGE = OpenApiResponse(DETAIL, description="No such page: past the last one.")
# In a multipart body `details` is one part holding JSON; `image` is a binary file part.
DETAILS_AS_JSON = {"details": {"contentType": "application/json"}}
WRITE_REQUEST = {
    "application/json": OfferWriteSerializer,
    "multipart/form-data": OpenApiRequest(OfferWriteSerializer, encoding=DETAILS_AS_JSON),
}
UPDATE_REQUEST = {
    "application/json": OfferUpdateSchemaSerializer,
    "multipart/form-data": OpenApiRequest(OfferUpdateSchemaSerializer, encoding=DETAILS_AS_JSON),
}
# The writes need a valid token; only the public reads treat a stale one as none.
TOKEN_REQUIRED = [{"tokenAuth": []}]
# The filter set's help texts are lost for these two (their schema type is overridden), so they are restated.
LIST_PARAMETERS = [
    OpenApiParameter("creator_id", OpenApiTypes.INT, description="Only offers of this user id."),
    OpenApiParameter(
        "max_delivery_time",
        OpenApiTypes.INT,
        description="Offers with at least one package delivered within this many days.",
    ),
]


@extend_schema_view(
    list=extend_schema(
        summary="List offers (public, paginated)",
        description="Six offers per page unless `page_size` (at most 100) says otherwise. Empty parameters "
        "mean no filter; a malformed one answers 400 naming it; a page past the end answers 404.",
        parameters=LIST_PARAMETERS,
        responses={200: OfferSerializer, **errors(400), 404: ERROR_404_PAGE, **errors(429)},
    ),
    retrieve=extend_schema(
        summary="Get one offer (public)",
        responses={200: OfferSerializer, **errors(404, 429)},
    ),
    create=extend_schema(
        summary="Create an offer with its three packages (business users)",
        description="JSON, or multipart with `image` and `details` as a JSON string. The offer and its "
        "packages are written together or not at all.",
        request=WRITE_REQUEST,
        auth=TOKEN_REQUIRED,
        responses={201: OfferWrittenSerializer, **errors(400, 401, 403, 429)},
    ),
    partial_update=extend_schema(
        summary="Edit an offer (its creator)",
        description="Any of the fields. Each package sent is found by its `offer_type` and changed in place "
        "(its id stays); the type itself cannot change. Multipart with only `image` replaces the image; "
        "`image: null` removes it. Editing packages also updates the offer's `updated_at`.",
        request=UPDATE_REQUEST,
        auth=TOKEN_REQUIRED,
        responses={200: OfferWrittenSerializer, **errors(400, 401, 403, 404, 429)},
    ),
    destroy=extend_schema(
        summary="Delete an offer (its creator)",
        description="Orders made from its packages are kept, with `offer_detail` set to null.",
        auth=TOKEN_REQUIRED,
        responses={204: OpenApiResponse(description="Deleted."), **errors(401, 403, 404, 429)},
    ),
)
class OfferViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    # Public reads must survive a stale token; the writes still answer 401 through their permissions.
    authentication_classes = [LenientTokenAuthentication]
    serializer_class = OfferSerializer
    filterset_class = OfferFilter
    pagination_class = OfferPagination

    def get_permissions(self):
        if self.action in ("list", "retrieve"):
            return [AllowAny()]
        if self.action == "create":
            return [IsBusinessUser()]
        return [IsAuthenticated(), IsOfferOwner()]

    def get_queryset(self):
        # For the writes' object lookup (the reads use OFFER_LIST and OFFER_BY_ID). No packages prefetched
        # for an edit: only an edit that sends packages reads them (once, to match them by type), and the
        # frontend's image upload sends none.
        return Offer.objects.all()

    def filter_queryset(self, queryset):
        # The list's parameters (filterset_class documents them) never filter the lookup of one offer.
        return queryset

    def list(self, request):
        # OfferFilter validates the parameters (400) and selects the prepared statements that run them.
        listing = OfferListing(OFFER_LIST.select(request.query_params, request))
        page = self.paginate_queryset(listing)
        return self.get_paginated_response(OFFER_SHAPE.represent(page, request))

    def retrieve(self, request, pk=None):
        offer = OFFER_BY_ID.first(pk) if (pk := lookup_id(pk)) is not None else None
        if offer is None:
            raise Http404
        return Response(OFFER_SHAPE.represent([offer], request)[0])

    def create(self, request):
        serializer = OfferWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        offer = offer_create(user=request.user, **serializer.validated_data)
        return Response(self._written(offer), status=status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        offer = self.get_object()
        serializer = OfferUpdateSerializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        offer_update(offer=offer, **serializer.validated_data)
        return Response(self._written(offer))

    def perform_destroy(self, instance):
        offer_delete(offer=instance)

    def _written(self, offer):
        """The answer to a write, from the offer as the database now holds it."""
        offer = offers_with_packages().get(pk=offer.pk)
        return OfferWrittenSerializer(offer, context=self.get_serializer_context()).data


@extend_schema_view(
    get=extend_schema(
        summary="Get one package (public)",
        responses={200: OfferDetailSerializer, **errors(404, 429)},
    )
)
class OfferDetailView(RetrieveAPIView):
    authentication_classes = [LenientTokenAuthentication]
    permission_classes = [AllowAny]
    queryset = OfferDetail.objects.all()
    serializer_class = OfferDetailSerializer

    def retrieve(self, request, pk=None):
        package = PACKAGE_BY_ID.first(pk) if (pk := lookup_id(pk)) is not None else None
        if package is None:
            raise Http404
        return Response(package)
