from django.urls import path

from .views import (
    DiscrepancyAcceptView,
    DiscrepancyDetailView,
    DiscrepancyKeepView,
    DiscrepancyListView,
    MyFamilySyncView,
    StaffFamilySyncView,
)

urlpatterns = [
    path("me/family/sync/", MyFamilySyncView.as_view(), name="api-my-family-sync"),
    path(
        "staff/families/<str:kk_number>/sync/",
        StaffFamilySyncView.as_view(),
        name="api-staff-family-sync",
    ),
    path("staff/discrepancies/", DiscrepancyListView.as_view(), name="api-staff-discrepancies"),
    path(
        "staff/discrepancies/<int:pk>/",
        DiscrepancyDetailView.as_view(),
        name="api-staff-discrepancy",
    ),
    path(
        "staff/discrepancies/<int:pk>/accept/",
        DiscrepancyAcceptView.as_view(),
        name="api-staff-discrepancy-accept",
    ),
    path(
        "staff/discrepancies/<int:pk>/keep/",
        DiscrepancyKeepView.as_view(),
        name="api-staff-discrepancy-keep",
    ),
]
