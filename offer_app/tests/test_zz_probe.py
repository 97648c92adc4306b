from django.db import connection
from django.test.utils import CaptureQueriesContext

from general_app.testing import CoderrTestCase
from offer_app.services import offer_create


def pk(t, price="10.00"):
    return {"title": t, "revisions": 1, "delivery_time_in_days": 3, "price": price, "features": ["a"], "offer_type": t}


class Probe(CoderrTestCase):
    def test_probe(self):
        biz = self.make_business()
        offer_create(user=biz.user, title="T", description="D", details=[pk("basic"), pk("standard"), pk("premium")])
        with CaptureQueriesContext(connection) as ctx:
            r = self.anonymous().get("/api/offers/")
        for q in ctx.captured_queries:
            print(q["sql"][:200])
        print(r.status_code, r.json())
        with CaptureQueriesContext(connection) as ctx:
            r = biz.post("/api/offers/", {"title": "X", "description": "Y", "details": [pk("basic"), pk("standard", "1.5"), pk("premium")]}, format="json")
        for q in ctx.captured_queries:
            print(q["sql"][:200])
        print(r.status_code, r.json())
