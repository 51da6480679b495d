"""Topic validation: every mistake an admin can make is named with its key and bad value."""

from pathlib import Path
from typing import Any

import pytest
from pydantic_core import PydanticCustomError

from news.config import ConfigError, load_config, parse_config
from news.topics.config import TermGroup, TopicConfig, check_topic_references

ROOT = Path(__file__).resolve().parents[2]


def _error_for(**topic: Any) -> str:
    raw = {"topics": [{"slug": "t", "title": "T", "description": "D.", **topic}]}
    with pytest.raises(ConfigError) as error:
        parse_config(raw, base_dir=ROOT, environ={})
    return str(error.value)


@pytest.mark.parametrize(
    ("topic", "expected"),
    [
        (
            {"all_of": [{"terms": ["Cambodia"]}, {"acronyms": ["EBA", "eba"]}]},
            "config: topics[0].all_of[1].acronyms: acronym 'eba' is all lower case, so matching "
            "it case-sensitively would hit ordinary words; put it in terms",
        ),
        (
            {"all_of": [{"acronyms": ["ЕВА"]}]},  # Cyrillic letters that look Latin
            "config: topics[0].all_of[0].acronyms: acronym 'ЕВА' must be ASCII letters and "
            "digits (put other words in terms)",
        ),
        (
            {"any_of": {"acronyms": ["EBA", "GSP", "EBA"]}},
            "config: topics[0].any_of.acronyms: acronym 'EBA' is listed twice",
        ),
        (
            {"all_of": [{"terms": ["Cambodia", "\u200b"]}]},
            "config: topics[0].all_of[0].terms: term '\\u200b' is empty after normalising",
        ),
        (
            {"all_of": [{"terms": [" (-) "]}]},
            "config: topics[0].all_of[0].terms: term ' (-) ' is empty after normalising",
        ),
        (
            {"all_of": [{"terms": ["Phnom Penh", "phnom\u00a0penh"]}]},
            "config: topics[0].all_of[0].terms: term 'phnom\\xa0penh' is the same as "
            "'Phnom Penh' after normalising; list it once",
        ),
        (
            {"all_of": [{"terms": ["ច្បាប់ស្តីពីសមាគម", "ច្បាប់ស្ដីពីសមាគម"]}]},
            "config: topics[0].all_of[0].terms: term 'ច្បាប់ស្ដីពីសមាគម' is the same as "
            "'ច្បាប់ស្តីពីសមាគម' after normalising; list it once",
        ),
        (
            {"all_of": [{"terms": ["ដក"]}]},
            "config: topics[0].all_of[0].terms: Khmer term 'ដក' is shorter than 3 characters; "
            "Khmer terms match inside words, so it would match almost any story: use a longer "
            "phrase",
        ),
        (
            {"all_of": [{"terms": ["Everything But Arms", "eba"], "acronyms": ["EBA"]}]},
            "config: topics[0].all_of[0]: acronym 'EBA' is also in terms as 'eba', where it "
            "matches in any case; keep one",
        ),
        (
            {"all_of": [{}]},
            "config: topics[0].all_of[0]: a term group needs at least one term or acronym",
        ),
        (
            {},
            "config: topics[0]: topic 't' has no all_of groups and no any_of terms, so nothing "
            "can match",
        ),
        (
            {
                "all_of": [{"terms": ["Cambodia"]}, {"terms": ["EBA"], "acronyms": ["EU"]}],
                "none_of": {"terms": ["eba"], "acronyms": ["EU"]},
            },
            "config: topics[0]: all_of[1]: every term is also in none_of, so the group can "
            "never match: 'EBA', 'EU'",
        ),
        (
            {
                "all_of": [{"terms": ["Cambodia"]}],
                "any_of": {"terms": ["trade", "European Banking Authority"]},
                "none_of": {"terms": ["european banking authority"]},
            },
            "config: topics[0]: any_of.terms: term 'European Banking Authority' is also in "
            "none_of, so it can never make the topic match",
        ),
        (
            {
                "all_of": [{"terms": ["Cambodia"], "acronyms": ["EBA", "EU"]}],
                "none_of": {"terms": ["eu"]},
            },
            "config: topics[0]: all_of[0].acronyms: acronym 'EU' is also in none_of, so it "
            "can never make the topic match",
        ),
        (
            {"all_of": [{"terms": ["Cambodia"]}], "sources": {"types": ["blog"]}},
            "config: topics[0].sources.types[0]: input should be 'ngo', 'independent media', "
            "'government', 'state-aligned media', 'intergovernmental' or 'aggregator', "
            'got "blog"',
        ),
    ],
)
def test_invalid_topics_are_reported_with_key_and_value(
    topic: dict[str, Any], expected: str
) -> None:
    assert _error_for(**topic) == expected


def test_terms_are_stored_with_whitespace_folded() -> None:
    group = TermGroup(terms=("Phnom\n  Penh", "ស ខេង"), acronyms=("EBA",))
    assert group.all_terms() == ("Phnom Penh", "ស ខេង", "EBA")


def test_a_none_of_acronym_leaves_a_same_letters_term_alive() -> None:
    # The term "eu" also matches "Eu" and "eu", which the case-sensitive acronym never rejects.
    topic = TopicConfig(
        slug="t",
        title="T",
        description="D.",
        all_of=(TermGroup(terms=("eu", "Europe")),),
        none_of=TermGroup(acronyms=("EU",)),
    )
    assert [group.all_terms() for group in topic.all_of] == [("eu", "Europe")]


def _slugged(*slugs: str, feeds: tuple[str, ...] = ()) -> list[TopicConfig]:
    group = TermGroup(terms=("Cambodia",))
    return [
        TopicConfig.model_validate(
            {
                "slug": slug,
                "title": "T",
                "description": "D.",
                "all_of": [group],
                "sources": {"feeds": feeds},
            }
        )
        for slug in slugs
    ]


def _reference_error(topics: list[TopicConfig], feed_names: set[str]) -> str:
    with pytest.raises(PydanticCustomError) as error:
        check_topic_references(topics, feed_names)
    assert error.value.type == "topic"
    return error.value.message()


def test_duplicate_slugs_are_named() -> None:
    topics = _slugged("cambodia-eba", "other", "cambodia-eba")
    assert _reference_error(topics, set()) == (
        "topics[2].slug: 'cambodia-eba' is already the slug of topics[0]"
    )


def test_source_feeds_must_be_configured_feed_names() -> None:
    topics = _slugged("a", feeds=("CamboJA News", "Camboja News"))
    assert _reference_error(topics, {"CamboJA News"}) == (
        "topics[0].sources.feeds[1]: 'Camboja News' is not the name of any [[feeds]] entry"
    )


def test_consistent_references_pass() -> None:
    topics = _slugged("a", "b", feeds=("CamboJA News",))
    check_topic_references(topics, {"CamboJA News", "Khmer Times"})  # raises on a problem
    assert [topic.slug for topic in topics] == ["a", "b"]


def test_the_example_config_defines_the_shipped_topics() -> None:
    config = load_config(ROOT / "config.example.toml", environ={})
    check_topic_references(config.topics, {feed.name for feed in config.feeds})
    summary = [(t.slug, len(t.all_of), t.none_of is not None) for t in config.topics]
    assert summary == [
        ("cambodia-eba", 3, True),
        ("cambodia-civil-society", 2, False),
        ("labour-rights", 1, False),
        ("land-rights", 1, True),
        ("rights-defenders", 2, True),
    ]


KM_TEXT = {"title": "ប្រធានបទ", "description": "អំពីប្រធានបទ។"}


@pytest.mark.parametrize(
    ("translations", "expected"),
    [
        (
            {"fr": {"title": "Sujet", "description": "À propos."}},
            "translations.fr: expected one of km",
        ),
        ({"en": KM_TEXT}, "translations.en: expected one of km"),
        ({"km": {"title": "ប្រធានបទ"}}, "translations.km.description: required key is missing"),
        (
            {"km": {**KM_TEXT, "summary": "x"}},
            "translations.km.summary: unknown key (check the spelling)",
        ),
        ({"km": {**KM_TEXT, "title": "ក" * 121}}, "translations.km.title: string should have at"),
    ],
)
def test_translations_name_a_language_with_a_catalog_and_keep_the_limits(
    translations: dict[str, Any], expected: str
) -> None:
    message = _error_for(translations=translations, any_of={"terms": ["x"]})
    assert f"config: topics[0].{expected}" in message


def test_the_example_topics_read_in_khmer_too() -> None:
    config = load_config(ROOT / "config.example.toml", environ={})
    titles = [topic.title_in("km") for topic in config.topics]
    assert titles == [
        "កម្ពុជា និងប្រព័ន្ធអនុគ្រោះពន្ធ EBA របស់សហភាពអឺរ៉ុប",
        "សេរីភាពអង្គការមិនមែនរដ្ឋាភិបាល និងសង្គមស៊ីវិលនៅកម្ពុជា",
        "សិទ្ធិការងារ៖ កម្មករកាត់ដេរ ប្រាក់ឈ្នួល និងសហជីព",
        "សិទ្ធិដីធ្លី៖ ការបណ្តេញចេញ និងដីសម្បទាន",
        "អ្នកការពារសិទ្ធិ៖ ការចាប់ខ្លួន និងការកាត់ក្តីសកម្មជន និងអ្នកសារព័ត៌មាន",
    ]
    assert [topic.title_in("fr") for topic in config.topics] == [t.title for t in config.topics]
    assert config.chats.language == "en"


def test_a_default_language_without_a_catalog_is_refused() -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"chats": {"language": "fr"}}, base_dir=ROOT, environ={})
    assert 'chats.language: expected a language with a catalog (en, km), got "fr"' in str(
        error.value
    )
