"""Sign-in throttling that slows a guesser without locking out the people they guess at.

Only failed sign-ins count. Each failure is counted against the client's address (every account
from one office network), the account from that address, and the account from anywhere; a
sign-in is refused while any of those budgets is spent. A browser that has signed in to the
account before carries a signed device cookie, and is held to a budget of its own instead of the
account's: guesses from elsewhere cannot lock the account's owner out (OWASP's "device cookies").
The counters live in the rate-limit store, shared by every process (Redis in production).
"""

import hashlib
import logging
import secrets

from flask import current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from redis.exceptions import RedisError

from forum.extensions import limiter

DEVICE_COOKIE = "forum_device"
DEVICE_COOKIE_AGE = 365 * 24 * 3600

# Failed sign-ins: an office behind one address has room for its people's typos; a guesser
# from one address gets a few tries an account; the account's own budget is the widest.
BUDGETS = {
    "address": parse_many("30 per minute;300 per day"),
    "account-address": parse_many("5 per minute;20 per hour"),
    "account": parse_many("50 per hour"),
    "device": parse_many("5 per minute;20 per hour"),
}

_log = logging.getLogger("forum.security")


# While the shared store (Redis) does not answer, each process counts in its own memory, as
# Flask-Limiter does for the other limits (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED): a guesser gets
# a budget on each process rather than none, and members can still sign in.
_FALLBACK = MovingWindowRateLimiter(MemoryStorage())


def _counted(count):
    """`count(strategy)` on the shared store, or on this process's memory if it is down."""
    try:
        return count(limiter.limiter)
    except (RedisError, ConnectionError, TimeoutError) as error:
        _log.warning("rate-limit store unavailable (%s): counting in this process",
                     type(error).__name__)  # fmt: skip
        return count(_FALLBACK)


def _pseudonym(email: str) -> str:
    """The account's key in counters and logs, so that neither holds the address itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return hashlib.blake2b(email.encode(), key=key[:64], digest_size=12).hexdigest()


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="sign-in-device")


class SignInThrottle:
    """The budgets one sign-in attempt is counted against."""

    def __init__(self, email: str):
        self.account = _pseudonym(email)
        self.address = get_remote_address()
        self.device = self._known_device()

    def _known_device(self) -> str | None:
        try:
            device = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
        except BadSignature:
            return None
        return device["id"] if device.get("account") == self.account else None

    def _counters(self):
        yield "address", (self.address,)
        if self.device is None:
            yield "account-address", (self.account, self.address)
            yield "account", (self.account,)
        else:
            yield "device", (self.device,)

    def _enabled(self) -> bool:
        return current_app.config["RATELIMIT_ENABLED"]

    def allows(self) -> bool:
        """Is every budget this attempt counts against still unspent?"""
        if not self._enabled():
            return True
        return _counted(lambda strategy: all(
            strategy.test(limit, "sign-in", name, *keys)
            for name, keys in self._counters()
            for limit in BUDGETS[name]
        ))  # fmt: skip

    def failed(self) -> None:
        _log.warning("sign-in failed for account key %s from %s", self.account, self.address)
        if not self._enabled():
            return

        def hit(strategy) -> None:
            for name, keys in self._counters():
                for limit in BUDGETS[name]:
                    strategy.hit(limit, "sign-in", name, *keys)

        _counted(hit)

    def refused(self) -> None:
        _log.warning("sign-in throttled for account key %s from %s", self.account, self.address)

    def remember_device(self, response) -> None:
        """After a successful sign-in: this browser is known to the account from now on."""
        value = _devices().dumps({"account": self.account, "id": secrets.token_urlsafe(12)})
        response.set_cookie(
            DEVICE_COOKIE, value, max_age=DEVICE_COOKIE_AGE, httponly=True, samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
        )  # fmt: skip
