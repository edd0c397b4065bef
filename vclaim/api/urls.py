from django.urls import re_path

from .views import facade

# Paths are matched case-insensitively, with or without a trailing slash (in the view).
urlpatterns = [re_path(r"^(?P<rest>.*)$", facade, name="vclaim-facade")]
