"""Profiles: read and edit one, list the business and customer profiles."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from auth_app.api.serializers import EMAIL_TAKEN
from core.api.schema import errors
from core.db.ids import lookup_id
from profile_app.api.permissions import IsProfileOwnerOrReadOnly
from profile_app.api.representations import PROFILE_LIST_SHAPE, PROFILE_OF_USER, PROFILE_SHAPE, profiles_of_type
from profile_app.api.serializers import ProfileListSerializer, ProfileSerializer
from profile_app.models import Profile

User = get_user_model()

PROFILE_NOT_FOUND = _("No profile exists for this user id.")

USER_ID = OpenApiParameter(
    "user_id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id of the profile's user (not a profile id)."
)


class ProfileDetailView(generics.GenericAPIView):
    serializer_class = ProfileSerializer
    permission_classes = [IsAuthenticated, IsProfileOwnerOrReadOnly]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    queryset = Profile.objects.select_related("user")

    def get_object(self):
        profile = None
        if (user_id := lookup_id(self.kwargs["user_id"])) is not None:
            profile = self.get_queryset().filter(user_id=user_id).first()
        if profile is None:
            raise NotFound(PROFILE_NOT_FOUND)
        self.check_object_permissions(self.request, profile)
        return profile

    @extend_schema(
        summary="Read a profile by its user id",
        parameters=[USER_ID],
        responses={200: ProfileSerializer, **errors(401, 404, 429)},
    )
    def get(self, request, user_id):
        # Every authenticated user may read any profile: no object permission to check, one query.
        row = PROFILE_OF_USER.first(user_id) if (user_id := lookup_id(user_id)) is not None else None
        if row is None:
            raise NotFound(PROFILE_NOT_FOUND)
        return Response(PROFILE_SHAPE.represent([row], request)[0])

    @extend_schema(
        summary="Edit your own profile (JSON, or multipart with an optional `file` image)",
        description=(
            "Send any of first_name, last_name, email, location, tel, description, working_hours and file. "
            "`user`, `username`, `type` and `created_at` are read-only and ignored when sent. `file` takes a "
            "JPEG, PNG, GIF or WebP image (multipart); JSON `null` removes the image."
        ),
        request={
            "application/json": ProfileSerializer,
            "multipart/form-data": ProfileSerializer,
            "application/x-www-form-urlencoded": ProfileSerializer,
        },
        parameters=[USER_ID],
        responses={200: ProfileSerializer, **errors(400, 401, 403, 404, 429)},
    )
    def patch(self, request, user_id):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        try:
            profile = serializer.save()
        except IntegrityError as exc:
            # Lost a race for the address: the case-insensitive unique constraint on the email decided.
            raise serializers.ValidationError({"email": [EMAIL_TAKEN]}) from exc
        return Response(self.get_serializer(self.get_queryset().get(pk=profile.pk)).data)


class ProfileListView(generics.ListAPIView):
    """The profiles of one user type, ordered by user id."""

    serializer_class = ProfileListSerializer
    queryset = Profile.objects.none()  # for the schema; the rows come from profiles_of_type()
    user_type = None

    def list(self, request, *args, **kwargs):
        rows = profiles_of_type(self.user_type).rows()
        return Response(PROFILE_LIST_SHAPE.represent(rows, request))


@extend_schema(
    summary="List all business profiles (bare array)",
    responses={200: ProfileListSerializer(many=True), **errors(401, 429)},
)
class BusinessProfileListView(ProfileListView):
    user_type = User.Type.BUSINESS


@extend_schema(
    summary="List all customer profiles (bare array)",
    responses={200: ProfileListSerializer(many=True), **errors(401, 429)},
)
class CustomerProfileListView(ProfileListView):
    user_type = User.Type.CUSTOMER
