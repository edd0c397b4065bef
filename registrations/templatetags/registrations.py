"""Info Peserta shows the "Tambah anggota keluarga" entry through this tag, so `families`
templates reach registrations without families code importing it."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def add_member_link() -> str:
    return format_html(
        '<p><a class="button" href="{}" data-testid="add-member">{}</a></p>',
        reverse("registrations:member_add"),
        _("Add a family member"),
    )
