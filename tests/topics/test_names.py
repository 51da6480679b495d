"""Finding a topic from what a subscriber typed, in English or in Khmer as Khmer is typed."""

from pathlib import Path

import pytest

from news.config import load_config
from news.topics.names import find_topic, suggest_topics

ROOT = Path(__file__).resolve().parents[2]
TOPICS = load_config(ROOT / "config.example.toml", environ={}).topics
ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("typed", "slug"),
    [
        ("cambodia-eba", "cambodia-eba"),
        ("EBA", "cambodia-eba"),
        ("Cambodia and the EU's Everything But Arms preferences", "cambodia-eba"),
        ("កម្ពុជា និងប្រព័ន្ធអនុគ្រោះពន្ធ EBA របស់សហភាពអឺរ៉ុប", "cambodia-eba"),
        # Typed with zero-width spaces, without the spaces, and with COENG TA for COENG DA.
        (f"កម្ពុជា{ZWSP}និង{ZWSP}ប្រព័ន្ធ{ZWSP}អនុគ្រោះពន្ធ EBA របស់សហភាពអឺរ៉ុប", "cambodia-eba"),
        ("សេរីភាពអង្គការមិនមែនរដ្ឋាភិបាលនិងសង្គមស៊ីវិលនៅកម្ពុជា", "cambodia-civil-society"),
        ("សង្គមស៊ីវិល", "cambodia-civil-society"),  # part of one Khmer title only
        ("ប្រព័ន្ធអនុគ្រោះពន្ធ", "cambodia-eba"),
        ("civil society", "cambodia-civil-society"),
    ],
)
def test_a_topic_is_found_by_slug_or_any_title(typed: str, slug: str):
    topic = find_topic(typed, TOPICS)
    assert topic is not None
    assert topic.slug == slug


@pytest.mark.parametrize("typed", ["កម្ពុជា", "ក", "ទេសចរណ៍", "tourism", "rights"])
def test_a_part_of_both_titles_or_of_none_finds_nothing(typed: str):
    assert find_topic(typed, TOPICS) is None


def test_khmer_close_to_a_title_is_suggested():
    [topic] = suggest_topics("សេរីភាពអង្គការមិនមែនរដ្ឋាភិបាលនៅកម្ពុជា", TOPICS)
    assert topic.slug == "cambodia-civil-society"
