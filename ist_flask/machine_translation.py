"""Machine pre-fill for the translation desk: off unless a maintainer sets
IST_MACHINE_TRANSLATION (libretranslate or deepl) and its address.

The site asks no other server unless configured here. What comes back is only
ever a draft marked "needs review" (desk_saving.py), never published unread.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from .config_checks import ConfigurationError

TIMEOUT = 30
MAX_ANSWER_BYTES = 4 * 1024 * 1024
DEEPL_URL = "https://api-free.deepl.com/v2/translate"
SERVICES = ("libretranslate", "deepl")


class TranslationUnavailable(Exception):
    """The service did not answer, refused, or answered something unreadable."""


class Translator(Protocol):
    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """``texts`` in ``source`` put into ``target``, one for one, in order."""
        ...


def _post_json(url: str, payload: Mapping[str, Any], headers: Mapping[str, str]) -> Any:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Accept": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return json.loads(answer.read(MAX_ANSWER_BYTES + 1)[:MAX_ANSWER_BYTES])
    except (urllib.error.URLError, TimeoutError, ValueError, OSError) as error:
        raise TranslationUnavailable(str(error)) from error


class LibreTranslate:
    """A LibreTranslate server's POST /translate (one request for all texts)."""

    def __init__(self, url: str, api_key: str | None = None) -> None:
        self.url = url.rstrip("/") + "/translate"
        self.api_key = api_key

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        payload: dict[str, Any] = {
            "q": list(texts),
            "source": source,
            "target": target,
            "format": "text",
        }
        if self.api_key:
            payload["api_key"] = self.api_key
        answer = _post_json(self.url, payload, {})
        translated = answer.get("translatedText") if isinstance(answer, dict) else None
        if not isinstance(translated, list) or len(translated) != len(texts):
            raise TranslationUnavailable("LibreTranslate answered without the texts")
        return [str(text) for text in translated]


class DeepL:
    """DeepL's POST /v2/translate; the free API's address unless told another."""

    def __init__(self, api_key: str, url: str | None = None) -> None:
        self.url = url or DEEPL_URL
        self.api_key = api_key

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        payload = {
            "text": list(texts),
            "source_lang": source.upper(),
            "target_lang": target.upper(),
        }
        answer = _post_json(self.url, payload, {"Authorization": f"DeepL-Auth-Key {self.api_key}"})
        found = answer.get("translations") if isinstance(answer, dict) else None
        if not isinstance(found, list) or len(found) != len(texts):
            raise TranslationUnavailable("DeepL answered without the texts")
        return [str(item.get("text", "")) if isinstance(item, dict) else "" for item in found]


def configured_translator(config: Mapping[str, Any]) -> Translator | None:
    """The translator the settings name, or None when pre-fill is off."""
    service = (config.get("MACHINE_TRANSLATION") or "").strip().lower()
    url = config.get("MACHINE_TRANSLATION_URL") or None
    key = config.get("MACHINE_TRANSLATION_KEY") or None
    if service == "libretranslate" and url:
        return LibreTranslate(url, key)
    if service == "deepl" and key:
        return DeepL(key, url)
    return None


def check_machine_translation(config: Mapping[str, Any]) -> None:
    """Refuse to start with a half-made setting rather than fail at the desk."""
    service = (config.get("MACHINE_TRANSLATION") or "").strip().lower()
    if not service:
        return
    if service not in SERVICES:
        raise ConfigurationError(f"IST_MACHINE_TRANSLATION must be one of {', '.join(SERVICES)}")
    if service == "libretranslate" and not config.get("MACHINE_TRANSLATION_URL"):
        raise ConfigurationError(
            "IST_MACHINE_TRANSLATION=libretranslate needs IST_MACHINE_TRANSLATION_URL"
        )
    if service == "deepl" and not config.get("MACHINE_TRANSLATION_KEY"):
        raise ConfigurationError("IST_MACHINE_TRANSLATION=deepl needs IST_MACHINE_TRANSLATION_KEY")
