"""Registration, login and logout."""

from django.contrib.auth import get_user_model
from django.db import IntegrityError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from auth_app.api.serializers import (
    EMAIL_TAKEN,
    USERNAME_TAKEN,
    AuthResponseSerializer,
    LoginSerializer,
    RegistrationSerializer,
    auth_payload,
)
from auth_app.services import token_issue, token_revoke, user_register, user_tokens_revoke
from core.api.authentication import LenientTokenAuthentication
from core.api.schema import errors
from core.api.throttling import with_scoped_throttle

User = get_user_model()


# Open to everyone (a stale token counts as none), throttled by the subclass's `throttle_scope`. A comment, not
# a docstring: drf-spectacular would document it as the subclasses' description.
class SignInView(APIView):
    authentication_classes = [LenientTokenAuthentication]
    permission_classes = [AllowAny]
    throttle_classes = with_scoped_throttle()


class RegistrationView(SignInView):
    throttle_scope = "registration"

    @extend_schema(
        summary="Register a customer or business account",
        request=RegistrationSerializer,
        responses={201: AuthResponseSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = RegistrationSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            user, key = user_register(
                username=data["username"], email=data["email"], password=data["password"], type=data["type"]
            )
        except IntegrityError as exc:
            # Lost a race against a registration with the same username or email: the unique constraints
            # decided; the service's savepoint keeps the request's transaction usable to tell which one.
            if User.objects.filter(username__iexact=data["username"]).exists():
                raise serializers.ValidationError({"username": [USERNAME_TAKEN]}) from exc
            raise serializers.ValidationError({"email": [EMAIL_TAKEN]}) from exc
        return Response(auth_payload(user, key), status=status.HTTP_201_CREATED)


class LoginView(SignInView):
    throttle_scope = "login"

    @extend_schema(
        summary="Log in with username or email",
        request=LoginSerializer,
        responses={200: AuthResponseSerializer, **errors(400, 429)},
        auth=[],
    )
    def post(self, request):
        serializer = LoginSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        return Response(auth_payload(user, token_issue(user=user)))


class LogoutView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Log out: revoke the token that made the call",
        description="The account's other sign-ins (other browsers, other guests of a demo account) stay signed in.",
        request=None,
        responses={204: OpenApiResponse(description="Token revoked."), **errors(401, 429)},
    )
    def post(self, request):
        token_revoke(token=request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LogoutAllView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Log out everywhere: revoke every token of the caller's account",
        description="An addition to the API contract: ends every sign-in of the account, the calling one too.",
        request=None,
        responses={204: OpenApiResponse(description="Every token of the account revoked."), **errors(401, 429)},
    )
    def post(self, request):
        user_tokens_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
