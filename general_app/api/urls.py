from django.urls import path

from general_app.api.views import HealthView, PingView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("ping/", PingView.as_view(), name="ping"),
]
