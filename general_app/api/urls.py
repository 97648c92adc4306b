from django.urls import path

from general_app.api.views import HealthView

urlpatterns = [
    path("health/", HealthView.as_view(), name="health"),
]
