"""Webhooks as Telegram runs them: setWebhook, getWebhookInfo, and updates POSTed in order.

While a webhook is set, getUpdates answers 409, as Telegram does. Each update is POSTed to
the URL with the secret in ``X-Telegram-Bot-Api-Secret-Token`` and leaves the queue only on
a 2xx answer; anything else is retried, its error kept for getWebhookInfo.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from urllib.parse import urlsplit

import aiohttp

from tests.fakes.telegram.errors import JSON, ApiError, bad
from tests.fakes.telegram.params import flag_param, json_param, str_param
from tests.fakes.telegram.state import State

SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
RETRY = 0.05  # seconds before a refused update is POSTed again (Telegram waits longer)


class Webhook(State):
    """setWebhook / getWebhookInfo and the pusher; ``allow_http_webhook`` lets loopback tests
    use plain http (Telegram itself takes https on 443, 80, 88 or 8443 only)."""

    allow_http_webhook: bool = False
    webhook_posts: list[tuple[str, int]]  # (update kind, HTTP status) of every POST made

    @property
    def webhook_url(self) -> str | None:
        """Where updates are POSTed, if a webhook is set."""
        with self._cond:
            return None if self._webhook is None else str(self._webhook["url"])

    def _set_webhook(self, params: JSON) -> bool:
        url = str_param(params, "url") or ""
        if not url:
            return self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme != "https" and not (self.allow_http_webhook and parts.scheme == "http"):
            raise bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = str_param(params, "secret_token")
        if secret is not None and not SECRET.match(secret):
            raise bad("bad webhook: secret token contains unallowed characters")
        if flag_param(params, "drop_pending_updates"):
            self._updates.clear()
        allowed = json_param(params, "allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._webhook = {"url": url, "secret": secret, "error": None}
        self._changed()
        return True

    def _delete_webhook(self, params: JSON) -> bool:
        if flag_param(params, "drop_pending_updates"):
            self._updates.clear()
        self._webhook = None
        self._changed()
        return True

    def _get_webhook_info(self, params: JSON) -> JSON:
        hook = self._webhook or {}
        info: JSON = {
            "url": hook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if hook.get("error"):
            info["last_error_message"] = hook["error"]
        return info

    def _refuse_polling_while_hooked(self) -> None:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)

    async def _push_updates(self) -> None:
        """Runs on the server's loop: POST queued updates, oldest first, one at a time."""
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as client:
            while not self._stopping:
                await self._async_wait(lambda: self._stopping or self._next_push(), 1.0)
                target = self._next_push()
                if target is None:
                    continue
                url, secret, update = target
                status = await self._post(client, url, secret, update)
                with self._cond:
                    kind = next(k for k in update if k != "update_id")
                    self.webhook_posts.append((kind, status))
                    if 200 <= status < 300 and self._updates[:1] == [update]:
                        self._updates.pop(0)
                    elif self._webhook is not None:
                        self._webhook["error"] = f"Wrong response from the webhook: {status}"
                    self._changed()
                if not 200 <= status < 300:
                    await asyncio.sleep(RETRY)

    def _next_push(self) -> tuple[str, str | None, JSON] | None:
        with self._cond:
            if self._webhook is None or not self._updates:
                return None
            return self._webhook["url"], self._webhook["secret"], self._updates[0]

    async def _post(
        self, client: aiohttp.ClientSession, url: str, secret: str | None, update: JSON
    ) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
        with contextlib.suppress(aiohttp.ClientError, asyncio.TimeoutError):
            async with client.post(url, json=update, headers=headers) as answer:
                return answer.status
        return 0
