"""GET /api/completed-order-count/{business_user_id}/"""

from core.testing import CoderrTestCase
from order_app.tests.count_cases import COMPLETED, OrderCountCases


class CompletedOrderCountTests(OrderCountCases, CoderrTestCase):
    path = "/api/completed-order-count/{}/"
    key = "completed_order_count"
    counted_status = COMPLETED
    expected = 2
