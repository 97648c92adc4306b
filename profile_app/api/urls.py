from django.urls import path

from profile_app.api.views import BusinessProfileListView, CustomerProfileListView, ProfileDetailView

urlpatterns = [
    path("profile/<int:user_id>/", ProfileDetailView.as_view(), name="profile-detail"),
    path("profiles/business/", BusinessProfileListView.as_view(), name="profile-list-business"),
    path("profiles/customer/", CustomerProfileListView.as_view(), name="profile-list-customer"),
]
