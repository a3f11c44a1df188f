"""Demo data loaders, registered by each app in its AppConfig.ready(), run in app order.

Demo data is refused unless settings.DEMO_ALLOWED (GBVMS_DEBUG=1 or GBVMS_DEMO_ALLOWED=1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# A loader takes the command's options and returns lines to print.
Loader = Callable[[dict[str, Any]], list[str]]
_LOADERS: list[tuple[str, Loader]] = []


def register(name: str, loader: Loader) -> None:
    if name not in {n for n, _ in _LOADERS}:
        _LOADERS.append((name, loader))


def loaders() -> list[tuple[str, Loader]]:
    return list(_LOADERS)
