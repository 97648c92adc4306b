"""Reviews: list, create, read, edit and delete."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from auth_app.api.permissions import IsCustomerUser
from core.api.schema import errors
from reviews_app.api.filters import ReviewFilter
from reviews_app.api.permissions import IsReviewAuthorOrReadOnly
from reviews_app.api.representations import REVIEW_LIST, REVIEW_SHAPE
from reviews_app.api.serializers import ReviewCreateSerializer, ReviewSerializer
from reviews_app.models import Review
from reviews_app.services import review_create, review_delete, review_update


@extend_schema_view(
    get=extend_schema(
        summary="List reviews (bare array), filtered and ordered",
        responses={200: ReviewSerializer(many=True), **errors(400, 401, 429)},
    ),
    post=extend_schema(
        summary="Review a business user (customers only, once per business user)",
        request=ReviewCreateSerializer,
        responses={201: ReviewSerializer, **errors(400, 401, 403, 429)},
    ),
)
class ReviewListCreateView(generics.ListCreateAPIView):
    queryset = Review.objects.order_by("-updated_at", "-id")
    filterset_class = ReviewFilter

    def get_permissions(self):
        if self.request.method == "POST":
            return [IsCustomerUser()]
        return [IsAuthenticated()]

    def get_serializer_class(self):
        return ReviewCreateSerializer if self.request.method == "POST" else ReviewSerializer

    def list(self, request, *args, **kwargs):
        # ReviewFilter validates the parameters (400) and selects the prepared statement that runs them.
        selection = REVIEW_LIST.select(request.query_params, request)
        return Response(REVIEW_LIST.rows(selection, REVIEW_SHAPE.values))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = review_create(**serializer.validated_data)
        return Response(REVIEW_SHAPE.read(Review.objects.filter(pk=review.pk))[0], status=status.HTTP_201_CREATED)


@extend_schema_view(
    get=extend_schema(
        summary="Read one review",
        responses={200: ReviewSerializer, **errors(401, 404, 429)},
    ),
    patch=extend_schema(
        summary="Edit the rating or description of your review",
        request=ReviewSerializer,
        responses={200: ReviewSerializer, **errors(400, 401, 403, 404, 429)},
    ),
    delete=extend_schema(
        summary="Delete your review",
        responses={204: OpenApiResponse(description="Review deleted."), **errors(401, 403, 404, 429)},
    ),
)
class ReviewDetailView(generics.RetrieveUpdateDestroyAPIView):
    queryset = Review.objects.all()
    serializer_class = ReviewSerializer
    permission_classes = [IsAuthenticated, IsReviewAuthorOrReadOnly]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def perform_update(self, serializer):
        review_update(review=serializer.instance, **serializer.validated_data)

    def perform_destroy(self, instance):
        review_delete(review=instance)
