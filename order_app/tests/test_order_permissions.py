"""Who may call which order endpoint: every endpoint × every kind of caller."""

from core.testing import CoderrTestCase, make_order, package_of
from order_app.tests.utils import make_offer

CALLERS = ["anonymous", "stale_token", "customer", "other_customer", "business", "other_business", "staff"]

# Method, path template, body, and the expected status per caller in CALLERS order. "customer" and "business"
# are the two participants of the order in the path.
MATRIX = [
    ("get", "/api/orders/", None, [401, 401, 200, 200, 200, 200, 200]),
    ("post", "/api/orders/", "order", [401, 401, 201, 201, 403, 403, 403]),
    ("get", "/api/orders/{order}/", None, [401, 401, 200, 404, 200, 404, 404]),
    ("patch", "/api/orders/{order}/", {"status": "completed"}, [401, 401, 403, 403, 200, 403, 403]),
    ("delete", "/api/orders/{order}/", None, [401, 401, 403, 403, 403, 403, 204]),
    ("get", "/api/order-count/{business}/", None, [401, 401, 200, 200, 200, 200, 200]),
    ("get", "/api/completed-order-count/{business}/", None, [401, 401, 200, 200, 200, 200, 200]),
]


class OrderPermissionMatrixTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.clients = {
            "anonymous": self.anonymous(),
            "stale_token": self.stale_token_client(),
            "customer": self.make_customer(),
            "other_customer": self.make_customer(),
            "business": self.make_business(),
            "other_business": self.make_business(),
            "staff": self.make_staff(),
        }
        self.package = package_of(make_offer(self.clients["business"].user))

    def test_every_order_endpoint_answers_each_caller_as_the_contract_says(self):
        for method, path, body, expected in MATRIX:
            for caller, status in zip(CALLERS, expected, strict=True):
                with self.subTest(method=method, path=path, caller=caller):
                    # A fresh order per request, so a deletion or status change cannot affect the next row.
                    order = make_order(self.clients["customer"].user, self.package)
                    url = path.format(order=order.pk, business=order.business_user_id)
                    data = {"offer_detail_id": self.package.pk} if body == "order" else body
                    response = getattr(self.clients[caller], method)(url, data, format="json")
                    self.assertStatus(response, status)
