from django.urls import path

from general_app.api.views import BaseInfoView, HealthView, PingView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
    path("base-info/", BaseInfoView.as_view(), name="base-info"),
    path("ping/", PingView.as_view(), name="ping"),
]
