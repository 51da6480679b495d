"""HeadlineIndex: the same story under another outlet's headline, and only that."""

import random
from datetime import UTC, datetime, timedelta

from news.text.cluster import HeadlineIndex

NOW = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
HEADLINE = "Garment workers in Kampong Speu protest unpaid wages after factory closure"


def index_with(*stories: tuple[int, int, str]) -> HeadlineIndex:
    index = HeadlineIndex()
    for story_id, feed_id, title in stories:
        index.add(story_id, feed_id, title, NOW)
    return index


def test_wire_copy_from_another_outlet_is_the_same_story():
    index = index_with((1, 10, HEADLINE))
    assert index.find(HEADLINE, 20, NOW) == 1
    assert index.find(f"{HEADLINE} - Kampuchea Weekly", 20, NOW) == 1
    assert index.find(HEADLINE.replace("unpaid", "UNPAID") + "!", 20, NOW) == 1


def test_a_feed_does_not_merge_with_itself_nor_with_old_news():
    index = index_with((1, 10, HEADLINE))
    assert index.find(HEADLINE, 10, NOW) is None
    assert index.find(HEADLINE, 20, NOW + timedelta(days=4)) is None
    index.prune(NOW + timedelta(days=4))
    assert len(index) == 0
    assert index.find(HEADLINE, 20, NOW) is None


def test_short_headlines_and_other_numbers_are_other_news():
    short, few_words = "Court hearing postponed again", "PM is in the dock"
    index = index_with((1, 10, short), (2, 10, "3 activists " + HEADLINE), (3, 10, few_words))
    assert index.find(short, 20, NOW) is None
    assert index.find(few_words, 20, NOW) is None  # five words, but one of them says much
    assert index.find("4 activists " + HEADLINE, 20, NOW) is None
    assert index.find("3 activists " + HEADLINE, 20, NOW) == 2


def test_two_stories_with_the_very_same_headline_leave_the_choice_to_similarity():
    index = index_with((1, 10, HEADLINE), (2, 11, HEADLINE))
    assert index.find(HEADLINE, 20, NOW) in (1, 2)


class BySimilarityOnly(HeadlineIndex):
    """The index without its shortcut for identical headlines: the reference."""

    def _same_words(self, key: str, feed_id: int, since: datetime) -> int | None:
        return None


WORDS = [
    "garment",
    "workers",
    "union",
    "strike",
    "factory",
    "wages",
    "court",
    "activist",
    "land",
    "rights",
    "phnom",
    "penh",
    "in",
    "of",
    "pm",
    "eu",
]


def random_headline(rng: random.Random) -> str:
    words = rng.sample(WORDS, rng.randint(4, 8))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), str(rng.randint(1, 3)))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), str(rng.randint(1, 3)))
    return " ".join(words)


def variant(rng: random.Random, headline: str) -> str:
    words = headline.split()
    match rng.randrange(4):
        case 0:
            return headline
        case 1:
            return " ".join(rng.sample(words, len(words)))  # the same words, reordered
        case 2:
            return f"{headline} | The Outlet"
        case _:
            return " ".join(w for w in words if w != rng.choice(words))


def test_the_shortcut_finds_what_the_search_by_similarity_finds():
    rng = random.Random(6)
    for _ in range(40):
        stories = [(i, rng.randrange(4), random_headline(rng)) for i in range(60)]
        fast, slow = index_with(*stories), BySimilarityOnly()
        for story in stories:
            slow.add(*story, NOW)
        for _ in range(60):
            title = variant(rng, rng.choice(stories)[2])
            feed = rng.randrange(4)
            assert fast.find(title, feed, NOW) == slow.find(title, feed, NOW), title
