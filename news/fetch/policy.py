"""Where feed content may send the bot: the outbound-request policy.

Feed URLs are the admin's choice and are fetched as configured. Every other URL the bot
would request comes from content a publisher controls: a redirect, an item link resolved to
its story in context. Such a URL may reach only a public address over http(s), never go
from https down to plain http, and never carry the feed's credentials to another host. The
exceptions are the feed's own origin (its host and port, which the admin chose) and the
hosts the admin allows in ``http.allow_hosts``. Otherwise a hostile feed could make the bot
request its loopback admin page, the cloud's metadata address or a printer on the LAN.

A host name is judged by every address it resolves to. The connection resolves it again, so
a name whose answer changes in between (DNS rebinding) is not caught here.
"""

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

Resolve = Callable[[str, int], Awaitable[list[str]]]


@dataclass(frozen=True, slots=True)
class OutboundPolicy:
    """The admin's exceptions: host names (lower-case) content may send the bot to although
    they are not public."""

    allowed_hosts: frozenset[str] = frozenset()

    async def refusal(
        self,
        url: str,
        *,
        origin: str,
        previous: str | None = None,
        resolve: Resolve | None = None,
    ) -> str | None:
        """Why the bot must not request ``url``, which content gave it (``previous`` is the
        URL that redirected to it; ``origin`` the feed's own URL), or None when it may."""
        reason = self.static_refusal(url, origin=origin, previous=previous)
        if reason is not None or self._is_exempt(url, origin):
            return reason
        host, port = _host_port(url)
        if _literal_ip(host) is not None:
            return None  # judged by static_refusal
        try:
            addresses = await (resolve or _resolve)(host, port)
        except OSError:
            return None  # the request fails on its own, and says so
        private = next((a for a in addresses if not _is_public(a)), None)
        return None if private is None else f"{host} resolves to a private address ({private})"

    def static_refusal(self, url: str, *, origin: str, previous: str | None = None) -> str | None:
        """The part of ``refusal`` that needs no DNS: scheme, downgrade, literal addresses."""
        try:
            parts = urlsplit(url)
            host, _ = _host_port(url)
        except ValueError:
            return "not a valid URL"
        if parts.scheme not in ("http", "https") or not host:
            return f"only http(s) URLs are requested, not {parts.scheme or 'this'}:"
        if previous is not None and urlsplit(previous).scheme == "https" != parts.scheme:
            return "a redirect from https to plain http (readable on the way) is not followed"
        if self._is_exempt(url, origin):
            return None
        address = _literal_ip(host)
        if address is not None and not _is_public(address):
            return f"{host} is a private address"
        if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
            return f"{host} is a local name"
        return None

    def _is_exempt(self, url: str, origin: str) -> bool:
        host_port = _host_port(url)
        return host_port == _host_port(origin) or host_port[0] in self.allowed_hosts


STRICT = OutboundPolicy()  # no exceptions beyond each feed's own origin


def _host_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = (parts.hostname or "").rstrip(".").lower()
    return host, parts.port or (443 if parts.scheme == "https" else 80)


def _literal_ip(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.partition("%")[0])  # drop an IPv6 zone
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


async def _resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]
