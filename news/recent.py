"""A small memory of the last results of a step that the pipeline runs twice on one input."""

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["Recent"]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Recent(Generic[K, V]):
    """The values of the last keys stored, up to ``most`` in all by ``size`` (oldest out
    first). For work done twice in a row on the same input; thread-safe."""

    def __init__(self, most: int, size: Callable[[K], int]) -> None:
        self._items: dict[K, V] = {}
        self._most, self._size, self._used = most, size, 0
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        size = self._size(key)
        with self._lock:
            if size > self._most or key in self._items:
                return
            while self._used + size > self._most:
                oldest = next(iter(self._items))
                self._used -= self._size(oldest)
                del self._items[oldest]
            self._items[key] = value
            self._used += size
