from django.urls import path

from .views import FamilyMemberView, MyFamilyView

urlpatterns = [
    path("me/family/", MyFamilyView.as_view(), name="api-my-family"),
    path("participants/<str:card_number>/", FamilyMemberView.as_view(), name="api-participant"),
]
