from django.urls import re_path

from .views import facade

# The base path in any letter case, as a character class per letter: an inline (?i) flag
# would make every reverse() in the project fail.
VCLAIM_BASE = "^" + "".join(
    f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in "vclaim-rest/"
)

# Paths are matched case-insensitively, with or without a trailing slash (in the view).
urlpatterns = [re_path(r"^(?P<rest>.*)$", facade, name="vclaim-facade")]
