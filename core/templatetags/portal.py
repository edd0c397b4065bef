from django import template

from core.formatting import mask_number, rupiah

register = template.Library()


@register.filter
def masked(value: str | None) -> str:
    return mask_number(value)


@register.filter(name="rupiah")
def rupiah_filter(value: int | None) -> str:
    return "" if value is None else rupiah(int(value))
