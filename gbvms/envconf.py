"""Typed helpers that read settings from the environment and fail loudly.

Used only by ``gbvms.settings``. Secure defaults: nothing secret has a literal fallback;
development keys are generated (and kept in ``.dev-keys.json``) only when ``GBVMS_DEBUG=1``.
"""

from __future__ import annotations

import base64
import datetime
import ipaddress
import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_date(name: str, default: str) -> datetime.date:
    raw = os.environ.get(name, "").strip() or default
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a date (YYYY-MM-DD), got {raw!r}") from exc


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Comma-separated IP addresses or CIDR networks, normalised (``10.0.0.0/8``)."""
    networks = []
    for item in env_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=True)))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: {item!r} is not an IP address or network (e.g. 10.0.0.5, 10.0.0.0/24)"
            ) from exc
    return networks


def env_mandatory(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is required when GBVMS_DEBUG is not set; see docs/configuration.md"
        )
    return value


def new_field_key() -> str:
    """A fresh 256-bit key, URL-safe base64, as GBVMS_FIELD_KEYS expects."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def dev_keys(path: Path) -> dict[str, str]:
    """Development keys, generated once and kept outside version control."""
    if path.exists():
        return json.loads(path.read_text())
    keys = {
        "secret_key": secrets.token_urlsafe(50),
        "field_keys": new_field_key(),
        "blind_index_key": new_field_key(),
    }
    path.write_text(json.dumps(keys, indent=2))
    path.chmod(0o600)
    return keys
