"""The shared feed client, as the composition root builds it."""

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from news.fetch.feed import make_http_client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with make_http_client(
        user_agent="RightsDigestTest/1 (+https://example.org/contact)",
        connect_timeout=timedelta(seconds=2),
        max_redirects=5,
        concurrency=8,
    ) as http:
        yield http
