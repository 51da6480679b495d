"""Undoing a body's Content-Encoding lazily, in bounded steps.

httpx inflates a whole network chunk at once, and one 64 KiB chunk of a gzip bomb is 64 MiB;
here at most ``INFLATE_STEP`` bytes are inflated at a time, and only as the reader asks, so a
reader's limits hold for the decoded bytes.
"""

import zlib
from collections.abc import AsyncGenerator, Iterable, Iterator

import httpx

INFLATE_STEP = 64 * 1024  # decoded bytes per step: limits are checked between steps


class BadEncodingError(Exception):
    """The body's Content-Encoding is unknown or the compressed data is corrupt."""


async def decoded_body(response: httpx.Response) -> AsyncGenerator[bytes, None]:
    """The decoded body in pieces (a network chunk, or at most ``INFLATE_STEP`` inflated),
    made only as they are asked for: nothing is inflated ahead of the reader."""
    decoder = _decoder(response.headers.get("content-encoding", ""))
    async for chunk in response.aiter_raw():
        for piece in decoder.feed(chunk):
            yield piece
    for piece in decoder.flush():
        yield piece


class _Decoder:
    """Content-Encoding decoding, lazily and in bounded steps."""

    def __init__(self, encodings: list[str]) -> None:
        self._stages = [_inflater(name) for name in encodings]

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        return self._through(0, [chunk])

    def flush(self) -> Iterator[bytes]:
        """What each stage still holds once the body has ended, through the later stages."""
        for n, stage in enumerate(self._stages):
            yield from self._through(n + 1, [stage.flush()])

    def _through(self, first: int, pieces: Iterable[bytes]) -> Iterator[bytes]:
        for stage in self._stages[first:]:
            pieces = _inflate(stage, pieces)
        return iter(pieces)


def _decoder(header: str) -> _Decoder:
    names = [part.strip().lower() for part in header.split(",") if part.strip()]
    names = [name for name in names if name != "identity"]
    for name in names:
        if name not in ("gzip", "x-gzip", "deflate"):
            raise BadEncodingError(f"unsupported Content-Encoding {name!r} (we asked for gzip)")
    # Encodings are listed in the order they were applied, so undo them backwards.
    return _Decoder(list(reversed(names)))


def _inflater(name: str) -> "zlib._Decompress":
    if name == "deflate":
        # "deflate" is meant to be zlib-wrapped, but gzip headers turn up too: auto-detect both.
        return zlib.decompressobj(zlib.MAX_WBITS | 32)
    return zlib.decompressobj(zlib.MAX_WBITS | 16)


def _inflate(stage: "zlib._Decompress", pieces: Iterable[bytes]) -> Iterator[bytes]:
    """Inflate ``pieces`` in steps of at most ``INFLATE_STEP`` bytes, each when asked for."""
    for piece in pieces:
        data = piece
        while data:
            try:
                out = stage.decompress(data, INFLATE_STEP)
            except zlib.error as error:
                raise BadEncodingError(f"corrupt compressed body: {error}") from None
            data = stage.unconsumed_tail
            if out:
                yield out
