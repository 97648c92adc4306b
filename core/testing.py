"""The shared base test case and builders used by every app's tests."""

import io
import itertools
import os
import shutil
import tempfile
from copy import deepcopy
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from knox.crypto import hash_token
from knox.models import get_token_model
from PIL import Image
from rest_framework.test import APIClient, APITestCase

from auth_app.services import token_issue
from offer_app.services import offer_create
from order_app.models import Order
from order_app.services import order_create
from profile_app.models import Profile
from reviews_app.models import Review

User = get_user_model()

MEDIA_HOST = "http://testserver"

# The three packages of a typical offer, as OfferDetail field values.
PACKAGES = {
    "basic": {
        "title": "Basic",
        "revisions": 2,
        "delivery_time_in_days": 7,
        "price": Decimal("299.99"),
        "features": ["Responsive Design"],
        "offer_type": "basic",
    },
    "standard": {
        "title": "Standard",
        "revisions": 5,
        "delivery_time_in_days": 10,
        "price": Decimal("599.50"),
        "features": ["Responsive Design", "SEO"],
        "offer_type": "standard",
    },
    "premium": {
        "title": "Premium",
        "revisions": -1,
        "delivery_time_in_days": 14,
        "price": Decimal("1000.00"),
        "features": ["Responsive Design", "SEO", "Hosting"],
        "offer_type": "premium",
    },
}

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TEST_PASSWORD = "Sup3r-secret-pass!"

_counter = itertools.count(1)


def image_bytes(fmt="PNG", size=(4, 4), color=(200, 30, 30), **save_options):
    """A tiny in-memory image in the given Pillow format."""
    buffer = io.BytesIO()
    mode = "RGB" if fmt in ("JPEG", "WEBP") else "RGBA" if fmt == "PNG" else "P"
    Image.new(mode, size, color if mode != "P" else 1).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def image_upload(name="picture.png", fmt="PNG", content=None, content_type="image/png", **kwargs):
    """An uploaded file for multipart requests (a real tiny image unless `content` is given)."""
    return SimpleUploadedFile(name, content if content is not None else image_bytes(fmt, **kwargs), content_type)


def iso(moment):
    """A datetime as the API writes it: ISO 8601, UTC as `Z`."""
    return moment.isoformat().replace("+00:00", "Z")


def stored_files():
    """Every file under MEDIA_ROOT, as paths relative to it."""
    root = Path(settings.MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def make_offer(user, *, title="Website Design", description="Modern, responsive websites.", packages=None):
    """An offer of `user` with the three PACKAGES, made through the create service.

    `packages={"standard": {"price": Decimal("5.00")}}` changes single values per package type.
    """
    details = deepcopy(PACKAGES)
    for offer_type, changes in (packages or {}).items():
        details[offer_type].update(changes)
    return offer_create(user=user, title=title, description=description, details=list(details.values()))


def package_of(offer, offer_type="standard"):
    return offer.details.get(offer_type=offer_type)


def make_order(customer, offer_detail, *, status=Order.Status.IN_PROGRESS, created_at=None):
    """An order made through `order_create`, then moved to `status` (and `created_at`, to fix the order)."""
    order = order_create(customer=customer, offer_detail=offer_detail)
    changes = {"status": status}
    if created_at is not None:
        changes["created_at"] = created_at
    Order.objects.filter(pk=order.pk).update(**changes)
    return Order.objects.get(pk=order.pk)


def make_orders(customer, offer_detail, *statuses):
    """One order of `offer_detail` by `customer` per given status."""
    return [make_order(customer, offer_detail, status=status) for status in statuses]


def make_review(reviewer, business_user, rating=4, description="Great work.", **fields):
    return Review.objects.create(
        reviewer=reviewer, business_user=business_user, rating=rating, description=description, **fields
    )


def fill_profile(user, **fields):
    """Give a user's profile (and the user) the given field values, straight in the database."""
    user_fields = {name: fields.pop(name) for name in ("first_name", "last_name", "email") if name in fields}
    if user_fields:
        type(user).objects.filter(pk=user.pk).update(**user_fields)
    if fields:
        Profile.objects.filter(user=user).update(**fields)
    return Profile.objects.select_related("user").get(user=user)


class CoderrTestCase(APITestCase):
    """Fast hasher, a temporary MEDIA_ROOT per class, a clean cache (throttles) per test, and builders."""

    @classmethod
    def setUpClass(cls):
        cls._media_root = tempfile.mkdtemp(prefix="coderr-test-media-")
        cls._settings_override = override_settings(PASSWORD_HASHERS=FAST_HASHERS, MEDIA_ROOT=cls._media_root)
        cls._settings_override.enable()
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls._settings_override.disable()
        shutil.rmtree(cls._media_root, ignore_errors=True)

    def setUp(self):
        super().setUp()
        cache.clear()
        # Each test starts with an empty MEDIA_ROOT so "no file left behind" is checked per test.
        shutil.rmtree(self._media_root, ignore_errors=True)
        os.makedirs(self._media_root)

    # --- builders --------------------------------------------------------------------------------------

    @staticmethod
    def make_user(type="customer", username=None, email=None, password=TEST_PASSWORD, **fields):
        n = next(_counter)
        username = username or f"{type or 'staff'}{n}"
        email = email if email is not None else f"{username}@example.com"
        return User.objects.create_user(username=username, email=email, password=password, type=type, **fields)

    @staticmethod
    def client_for(user):
        """An APIClient that sends a new token of the user (a sign-in of its own), as the frontend does."""
        key = token_issue(user=user)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        client.user = user
        client.token = key
        return client

    def make_customer(self, **fields):
        return self.client_for(self.make_user("customer", **fields))

    def make_business(self, **fields):
        return self.client_for(self.make_user("business", **fields))

    def make_staff(self, **fields):
        return self.client_for(self.make_user("", is_staff=True, is_superuser=True, **fields))

    @staticmethod
    def anonymous():
        return APIClient()

    @staticmethod
    def stale_token_client():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION="Token 0000000000000000000000000000000000000000")
        return client

    # --- assertions ------------------------------------------------------------------------------------

    def assertStatus(self, response, expected):
        """assertEqual on the status code that prints the body when it fails."""
        if response.status_code != expected:
            body = getattr(response, "data", None)
            if body is None:
                body = "<streaming>" if response.streaming else response.content[:2000]
            self.fail(f"unexpected status {response.status_code} != {expected}; body: {body!r}")

    def assertTokenOf(self, key, user):
        """`key` is a live API token of `user`: a 64-hex-digit key whose digest (never the key) is stored for them."""
        self.assertRegex(key, r"^[0-9a-f]{64}$")
        stored = get_token_model().objects.filter(digest=hash_token(key)).values_list("user_id", flat=True)
        self.assertEqual(list(stored), [user.pk])

    def assertFieldError(self, response, field):
        """A 400 whose JSON body names `field`."""
        self.assertStatus(response, 400)
        self.assertIn(field, response.json(), response.json())


class PartiesTestCase(CoderrTestCase):
    """Users made once per class, each signed in per test with a client of its own.

    PARTIES maps a name to a user type: the user is `<name>_user`, its client `<name>`.
    """

    PARTIES = {}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for name, user_type in cls.PARTIES.items():
            setattr(cls, f"{name}_user", cls.make_user(user_type))

    def setUp(self):
        super().setUp()
        for name in self.PARTIES:
            setattr(self, name, self.client_for(getattr(self, f"{name}_user")))


class CustomerAndBusinessTestCase(PartiesTestCase):
    """A customer and a business user: `customer` and `business` (clients), `customer_user` and `business_user`."""

    PARTIES = {"customer": "customer", "business": "business"}


class TwoOfEachTestCase(PartiesTestCase):
    """Two customers and two business users: those of CustomerAndBusinessTestCase, `other_customer` and
    `other_business`."""

    PARTIES = {**CustomerAndBusinessTestCase.PARTIES, "other_customer": "customer", "other_business": "business"}


# --- the URL conf, walked once for the permission matrix, the query budgets and the schema tests ---------


@dataclass(frozen=True)
class ApiRoute:
    """One view the URL conf serves under api/: its route as the URL conf spells it, and its methods."""

    route: str
    methods: frozenset
    name: str | None
    callback: object
    is_path: bool  # a path() route (a regular expression cannot be matched with hand-written rows)


def api_routes(urlconf=None):
    """Every view the URL conf serves under api/, in URL conf order."""
    routes = []

    def walk(patterns, prefix):
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif route.removeprefix("^").startswith("api/"):
                methods = frozenset(view_methods(entry.callback))
                routes.append(
                    ApiRoute(route, methods, entry.name, entry.callback, isinstance(entry.pattern, RoutePattern))
                )

    walk(get_resolver(urlconf).url_patterns, "")
    return routes


def view_methods(callback):
    """The methods a view answers, without HEAD and OPTIONS (they answer like GET everywhere, and DRF even adds
    HEAD to a viewset's method map on its first request)."""
    actions = getattr(callback, "actions", None)  # a DRF viewset bound to its method map
    if actions is None and getattr(callback, "view_class", None) is not None:
        actions = [name for name in callback.view_class.http_method_names if hasattr(callback.view_class, name)]
    if actions is None:
        actions = ["get"]  # a plain function view answers every method alike
    return {name.upper() for name in actions if name not in ("head", "options")}
