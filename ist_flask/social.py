"""What a statement shows when it is shared, and what search engines read:
OpenGraph and Twitter cards, and schema.org NewsArticle as JSON-LD."""

from __future__ import annotations

from typing import Any

from babel.core import get_global
from flask import current_app

from .content import short_description
from .group_models import Organisation
from .models import Translation
from .pictures import image_alt, picture
from .urls import absolute_url, statement_url

# The site writes British English ("organisations"); other languages take CLDR's likely region.
OG_LOCALE_OVERRIDES = {"en": "en_GB"}


def og_locale(language: str) -> str:
    """OpenGraph's language_TERRITORY form of a language code: "fr" -> "fr_FR"."""
    if language in OG_LOCALE_OVERRIDES:
        return OG_LOCALE_OVERRIDES[language]
    likely = get_global("likely_subtags").get(language, language)
    parts = likely.split("_")
    return f"{parts[0]}_{parts[-1]}" if len(parts) > 1 else language


def _url(translation: Translation) -> str:
    return statement_url(translation.language, translation.slug)


def _organisation(organisation: Organisation, language: str) -> dict[str, Any]:
    """A signatory as a schema.org Organization."""
    found: dict[str, Any] = {"@type": "Organization", "name": organisation.name_in(language)}
    if organisation.web_address:
        found["url"] = organisation.web_address
    if organisation.country:
        found["address"] = {"@type": "PostalAddress", "addressCountry": organisation.country}
    return found


def statement_card(translation: Translation, translations: list[Translation]) -> dict[str, Any]:
    """The meta tags and the JSON-LD of one translation's page."""
    statement = translation.statement
    description = short_description(translation.excerpt)
    organisation = current_app.config["ORGANISATION_NAME"]
    image = absolute_url("static", filename="share.png")
    logo = image
    image_tags = [("og:image", image), ("og:image:width", "1200"), ("og:image:height", "630")]
    card_type = "summary"
    if statement.lead_image is not None:
        # The largest fallback (JPEG or PNG): what every crawler can read.
        lead = picture(statement.lead_image)
        image = lead.url
        alt, _language = image_alt(translation, translations)
        image_tags = [
            ("og:image", image),
            ("og:image:type", lead.fallback_type),
            ("og:image:width", str(lead.width)),
            ("og:image:height", str(lead.height)),
            *([("og:image:alt", alt)] if alt else []),
        ]
        card_type = "summary_large_image"
    others = [t for t in translations if t.language != translation.language]
    original = statement.translation(statement.original_language)

    publisher = {
        "@type": "Organization",
        "name": organisation,
        "logo": {"@type": "ImageObject", "url": logo},
    }
    article: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": _url(translation),
        "url": _url(translation),
        "mainEntityOfPage": _url(translation),
        "headline": translation.title,
        "description": description,
        "inLanguage": translation.language,
        "datePublished": statement.published_at.isoformat(),
        "dateModified": translation.updated_at.isoformat(),
        "image": [image],
        "author": {"@type": "Organization", "name": organisation},
        "publisher": publisher,
    }
    signatories = [_organisation(o, translation.language) for o in statement.organisations]
    if signatories:
        article["contributor"] = signatories
    if statement.topics:
        article["keywords"] = [topic.name_in(translation.language) for topic in statement.topics]
    if original is not None and original is not translation:
        article["translationOfWork"] = {"@type": "NewsArticle", "@id": _url(original)}
    elif others:
        article["workTranslation"] = [{"@type": "NewsArticle", "@id": _url(t)} for t in others]

    meta = [
        ("og:type", "article"),
        ("og:site_name", organisation),
        ("og:title", translation.title),
        ("og:description", description),
        ("og:url", _url(translation)),
        *image_tags,
        ("og:locale", og_locale(translation.language)),
        *(("og:locale:alternate", og_locale(t.language)) for t in others),
        ("article:published_time", statement.published_at.isoformat()),
        ("article:modified_time", translation.updated_at.isoformat()),
    ]
    twitter = [
        ("twitter:card", card_type),
        ("twitter:title", translation.title),
        ("twitter:description", description),
        ("twitter:image", image),
        *(("twitter:image:alt", content) for name, content in image_tags if name == "og:image:alt"),
    ]
    return {"meta": meta, "twitter": twitter, "json_ld": article, "description": description}
