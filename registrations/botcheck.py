"""The bot check before the registry is asked about a KK: django-simple-captcha's picture, as
on the account pages (the API client fetches one from GET /api/v1/accounts/captcha/)."""

from captcha.validators import captcha_validate
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from accounts.errors import BotCheckFailed


def bot_check(*, key: str, value: str) -> None:
    try:
        captcha_validate(key, value)
    except ValidationError as exc:
        message = _("Wrong answer to the bot check. Try the new picture.")
        raise BotCheckFailed(message, fields={"captcha_value": [message]}) from exc
