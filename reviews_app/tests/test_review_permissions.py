"""Who may call which review endpoint: every endpoint × every kind of caller."""

from core.testing import CoderrTestCase, make_review
from reviews_app.models import Review

CALLERS = ("anonymous", "stale token", "author", "other customer", "reviewed business", "other business", "staff")

# The expected status per caller, in the order of CALLERS; "author" is the customer who wrote the review.
MATRIX = {
    ("get", "list"): (401, 401, 200, 200, 200, 200, 200),
    ("post", "list"): (401, 401, 201, 201, 403, 403, 403),
    ("get", "detail"): (401, 401, 200, 200, 200, 200, 200),
    ("patch", "detail"): (401, 401, 200, 403, 403, 403, 403),
    ("delete", "detail"): (401, 401, 204, 403, 403, 403, 403),
}


class ReviewPermissionMatrixTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        reviewed = self.make_business()
        author = self.make_customer()
        self.clients = {
            "anonymous": self.anonymous(),
            "stale token": self.stale_token_client(),
            "author": author,
            "other customer": self.make_customer(),
            "reviewed business": reviewed,
            "other business": self.make_business(),
            "staff": self.make_staff(),
        }
        self.review = make_review(author.user, reviewed.user)

    def request(self, method, target, caller):
        if target == "list":
            url = "/api/reviews/"
            # A business user nobody has reviewed yet, so only the caller's role decides.
            body = {"business_user": self.make_business().user.pk, "rating": 5} if method == "post" else None
        else:
            url = f"/api/reviews/{self.review.pk}/"
            body = {"rating": 1} if method == "patch" else None
        return getattr(self.clients[caller], method)(url, body)

    def test_every_endpoint_answers_every_caller_as_specified(self):
        self.assertEqual({len(statuses) for statuses in MATRIX.values()}, {len(CALLERS)})
        for (method, target), statuses in MATRIX.items():
            for caller, status in zip(CALLERS, statuses, strict=True):
                with self.subTest(endpoint=f"{method.upper()} {target}", caller=caller):
                    if not Review.objects.filter(pk=self.review.pk).exists():
                        self.review = make_review(self.clients["author"].user, self.clients["reviewed business"].user)
                    self.assertStatus(self.request(method, target, caller), status)
