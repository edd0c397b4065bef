"""The broken rules of the account flows, each with a machine code (the API's `code`)."""

from django.utils.functional import Promise

from core.errors import DomainError


class NotAParticipant(DomainError, code="NOT_A_PARTICIPANT", http_status=404): ...


class IdentityMismatch(DomainError, code="BIRTH_DATE_MISMATCH", http_status=400): ...


class AccountExists(DomainError, code="ACCOUNT_EXISTS", http_status=409): ...


class NoAccount(DomainError, code="NO_ACCOUNT", http_status=404): ...


class EmailTaken(DomainError, code="EMAIL_TAKEN", http_status=409): ...


class BotCheckFailed(DomainError, code="BOT_CHECK_FAILED", http_status=400): ...


class CodeRefused(DomainError, http_status=400):
    """CODE_WRONG, CODE_EXPIRED, CODE_USED, CODE_TOO_MANY_ATTEMPTS, CODE_NOT_FOUND."""


class RateLimited(DomainError, code="RATE_LIMITED", http_status=429):
    def __init__(self, message: str | Promise, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = retry_after


class PinLocked(RateLimited, code="PIN_LOCKED"):
    """Too many wrong PINs: like any limit, 429 with Retry-After (DESIGN.md 5)."""


class WrongPin(DomainError, code="PIN_WRONG", http_status=400): ...


class WrongPassword(DomainError, code="PASSWORD_WRONG", http_status=400): ...
