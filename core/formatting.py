"""Presentation helpers shared by pages and the API: money and personal-number masking."""


def rupiah(amount: int) -> str:
    """Rp150.000: Indonesian thousands separator, no decimals (iuran are whole rupiah)."""
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def mask_number(value: str | None, *, visible_start: int = 4, visible_end: int = 4) -> str:
    """3174********0001: NIK, KK and phone numbers are personal data; show only the ends."""
    if not value:
        return ""
    if len(value) <= visible_start + visible_end:
        return "*" * len(value)
    hidden = len(value) - visible_start - visible_end
    return value[:visible_start] + "*" * hidden + value[-visible_end:]
