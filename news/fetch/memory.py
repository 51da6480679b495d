"""Giving memory back to the operating system after a burst of work."""

import ctypes
import functools
from collections.abc import Callable


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        process = ctypes.CDLL(None)  # the symbols already loaded: libc among them
    except OSError:
        return None
    return getattr(process, "malloc_trim", None)


def release_free_memory() -> None:
    """Ask glibc to return freed heap pages (after a poll cycle, say) so an idle bot stays
    small: Python frees the objects, but the allocator keeps the pages unless told. A no-op
    where there is no ``malloc_trim`` (musl, macOS)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
