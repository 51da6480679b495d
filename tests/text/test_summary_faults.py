"""What no summary shows (issue 22), one fault class at a time, on documents of our own: captions,
credits, intros, sign-up lines, teasers, question leads, half quotations, stitched fragments,
bylines and datelines; and the headline alone when nothing is left."""

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial

import pytest

from news.delivery.render import plain_text, render_story
from news.models import StoredStory
from news.text.quotes import Unit, is_balanced, units
from news.text.summary import summarise
from tests.languages import EN

LEAD = "Garment workers in Phnom Penh marched on Monday to demand a higher minimum wage."
NEXT = "The Labour Ministry said talks with factory owners would resume in March."
TITLE = "Garment workers march for a higher minimum wage"


def lines(*parts: str) -> str:
    return "\n".join(parts)


@pytest.mark.parametrize(
    "caption",
    [
        "Workers gather outside a factory in Kandal (Image credit: Sok Chan / EPA / Shutterstock)",
        "Police watch the march in Phnom Penh. AFP via Getty Images",
        "Photo: Sok Chan",
        "Image credit: Mekong Ledger",
        "Photograph by Sok Chan for the Mekong Ledger",
        "File photo of a garment factory.",
        "Courtesy of the Workers Rights Network.",
    ],
)
def test_a_caption_or_a_picture_credit_line_is_never_shown(caption):
    assert summarise(lines(caption, LEAD, NEXT), title=TITLE) == f"{LEAD} {NEXT}"


def test_a_credit_in_brackets_is_taken_out_of_the_sentence_it_ends():
    text = lines(f"{LEAD} (Photo by Sok Chan / AFP via Getty Images)", NEXT)
    assert summarise(text, title=TITLE) == f"{LEAD} {NEXT}"


@pytest.mark.parametrize(
    "intro",
    [
        "Welcome back to Rights Weekly, our twice-weekly newsletter about labour in Cambodia.",
        "Welcome to The Rights Hour, a podcast for people who want to know more.",
        "This article first appeared in the Mekong Ledger.",
        "A weekly newsletter about garment workers, land and the courts.",
    ],
)
def test_a_newsletter_or_podcast_intro_is_never_shown(intro):
    assert summarise(lines(intro, LEAD, NEXT), title=TITLE) == f"{LEAD} {NEXT}"


@pytest.mark.parametrize(
    "signup",
    [
        "Sign up for our daily briefing.",
        "Subscribe to Rights Weekly to get it in your inbox.",
        "If you’re reading this in your browser, why not subscribe to get the next one?",
        "Follow us on Telegram for more.",
    ],
)
def test_a_sign_up_line_is_never_shown(signup):
    assert summarise(lines(LEAD, signup, NEXT), title=TITLE) == f"{LEAD} {NEXT}"


def test_a_sign_up_sentence_in_the_intro_line_goes_with_it():
    intro = (
        "Welcome back to Rights Weekly. If you're reading this in your browser, why not subscribe?"
    )
    assert summarise(lines(intro, LEAD), title=TITLE) == LEAD


@pytest.mark.parametrize(
    "teaser",
    [
        "What next?",
        "Read more: Union leaders released on bail",
        "Here’s what we know.",
        "Here are the unions that joined.",
        "Continue reading on our website.",
        "There’s just one problem.",
        "The march was the largest in years, and…",
    ],
)
def test_a_teaser_is_never_shown(teaser):
    assert summarise(lines(f"{LEAD} {teaser}", NEXT), title=TITLE) == f"{LEAD} {NEXT}"


def test_a_question_lead_is_skipped_for_the_statement_after_it():
    text = lines("Who will pay for a higher minimum wage?", LEAD, NEXT)
    assert summarise(text, title=TITLE) == f"{LEAD} {NEXT}"


def test_questions_alone_leave_the_headline_alone():
    assert summarise("Will wages rise? Will factories close?", title=TITLE) == ""


def test_an_answer_to_a_question_not_shown_is_not_shown_either():
    text = lines("How did the march begin?", "It started with a text message.", LEAD)
    assert summarise(text, title=TITLE) == LEAD


QUOTE = "“We cannot live on this wage. We will march again,” said union leader Chea Sophal."


def test_a_quotation_spanning_sentences_is_kept_whole():
    assert summarise(lines(LEAD, QUOTE), title=TITLE) == f"{LEAD} {QUOTE}"


@pytest.mark.parametrize(
    "broken",
    [
        "“We cannot live on this wage. We will march again.",  # closed in the next paragraph
        "We will march again,” said union leader Chea Sophal.",  # opened in the last one
        "He said the union would “march again until the wage is fair.",
        "« Nous marcherons encore. Le salaire est injuste.",
        '"We will march again. The wage is unfair.',
    ],
)
def test_half_a_quotation_is_never_shown(broken):
    summary = summarise(lines(LEAD, broken, NEXT), title=TITLE)
    assert (summary, is_balanced(summary)) == (f"{LEAD} {NEXT}", True)


def test_a_long_lead_is_cut_before_a_quotation_it_would_cut():
    lead = "The union leader told reporters at the ministry gate: “" + "we will march " * 40 + "”."
    summary = summarise(lead, title=TITLE, max_chars=120)
    assert (summary, is_balanced(summary)) == (
        "The union leader told reporters at the ministry gate…",
        True,
    )


@pytest.mark.parametrize(
    "fragment",
    [
        "disproportionate to free speech,” she said.",
        "and the ministry said it would reply.",
        "…and the ministry said it would reply.",
        ", the ministry said.",
    ],
)
def test_a_stitched_fragment_is_never_shown(fragment):
    assert summarise(lines(LEAD, fragment, NEXT), title=TITLE) == f"{LEAD} {NEXT}"


def test_a_sentence_leaning_on_one_not_shown_is_not_shown():
    minister = "Labour Minister Ith Sam Heng met the marchers."
    said = "“The minimum wage talks were fair,” he said."
    assert summarise(lines(LEAD, minister, said), title=TITLE) == f"{LEAD} {minister} {said}"
    assert summarise(lines(LEAD, "Was the march legal?", said), title=TITLE) == LEAD
    # A caption between two paragraphs is no sentence "he" could point back to.
    shown = f"{LEAD} {minister} {said}"
    assert summarise(lines(LEAD, minister, "Photo: Sok Chan", said), title=TITLE) == shown


@pytest.mark.parametrize(
    ("lines_before", "lead"),
    [
        (["By Sok Chan and Dara Mech"], LEAD),
        (["By Sok Chan | Mekong Ledger"], LEAD),
        (["Published: 8 December 2019"], LEAD),
        (["Updated 12/08/19"], LEAD),
        ([], "PHNOM PENH, Dec 8 (Reuters) - " + LEAD),
        ([], "PHNOM PENH (AP) — " + LEAD),
        ([], "Updated 12/08/19: " + LEAD),
    ],
)
def test_a_byline_or_a_dateline_is_never_shown(lines_before, lead):
    assert summarise(lines(*lines_before, lead, NEXT), title=TITLE) == f"{LEAD} {NEXT}"


KHMER_LEAD = "កម្មករកាត់ដេរបានដើរក្បួនទាមទារប្រាក់ឈ្នួលអប្បបរមាខ្ពស់ជាងនេះ។"
KHMER_QUOTE = "លោកបាននិយាយថា៖ «យើងនឹងដើរក្បួនម្ដងទៀត។ ប្រាក់ឈ្នួលនេះមិនយុត្តិធម៌ទេ។»"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ភ្នំពេញ៖ " + KHMER_LEAD, KHMER_LEAD),  # a dateline
        (lines("ដោយ៖ សុខ ចាន់។", KHMER_LEAD), KHMER_LEAD),  # a byline
        (lines("រូបថត៖ កម្មករនៅមុខរោងចក្រ។", KHMER_LEAD), KHMER_LEAD),  # a photo caption
        (lines(KHMER_LEAD, "អានបន្ត៖ សហជីព"), KHMER_LEAD),  # "read on"
        (lines(KHMER_LEAD, KHMER_QUOTE), f"{KHMER_LEAD} {KHMER_QUOTE}"),  # « » kept whole
        (lines(KHMER_LEAD, "«យើងនឹងដើរក្បួនម្ដងទៀត។"), KHMER_LEAD),  # « never closed
    ],
)
def test_khmer_faults(text, expected):
    assert summarise(text) == expected


def test_a_khmer_colon_opening_a_line_is_no_dateline():
    assert summarise(KHMER_QUOTE) == KHMER_QUOTE


@pytest.mark.parametrize(
    "text",
    [
        lines("Photo: Sok Chan", "Read more: Garment workers"),
        lines("Welcome back to Rights Weekly.", "Sign up for our daily briefing."),
        lines("(Image credit: Future)", "Who will pay?"),
        "“We will march again.",
    ],
)
def test_when_nothing_acceptable_is_left_the_summary_is_empty(text):
    assert summarise(text, title=TITLE) == ""


def test_an_empty_summary_leaves_the_headline_and_its_credit_alone():
    story = StoredStory(
        id=1,
        title=TITLE,
        summary=summarise(lines("Photo: Sok Chan", "What next?"), title=TITLE),
        url="https://mekongledger.example/march",
        original_url=None,
        context_url=None,
        outlet="Mekong Ledger",
        author="Sok Chan",
        publisher=None,
        published=datetime(2026, 12, 7, tzinfo=UTC),
        first_seen=datetime(2026, 12, 7, tzinfo=UTC),
        language="en",
        source_type="independent media",
    )
    # The title, then the credit line (its wording is render's): no summary line at all.
    title, credit, *rest = plain_text(render_story(story, UTC, EN)).splitlines()
    assert (story.summary, title, credit.startswith("Mekong Ledger"), rest) == (
        "",
        TITLE,
        True,
        [],
    )


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        (["“One.", "Two,” she said.", "Three."], [Unit(0, 2, True), Unit(2, 3, True)]),
        (["Two,” she said.", "Three."], [Unit(0, 1, False), Unit(1, 2, True)]),
        (["One.", "“Two."], [Unit(0, 1, True), Unit(1, 2, False)]),
        (
            ["The workers’ union met.", "It’s ‘fair’, they said."],
            [Unit(0, 1, True), Unit(1, 2, True)],
        ),
        (["He said 'no.", "Never.'", "Done."], [Unit(0, 2, True), Unit(2, 3, True)]),
        (["«Un.", "Deux.»", "Trois."], [Unit(0, 2, True), Unit(2, 3, True)]),
    ],
)
def test_units_group_the_sentences_a_quotation_spans(sentences, expected):
    assert units(sentences) == expected


def test_quotations_nested_past_any_prose_are_broken_not_followed():
    assert is_balanced("“" * 100_000 + "”" * 100_000) is False  # each look stays short


# Hostile input: the work grows in proportion to the text. Counted as Python calls (profile
# events), not timed; summarise reads MAX_TEXT characters at most, so sizes stay below it.
HOSTILE = [
    "“",
    "‘",
    '"',
    "«",
    "»",
    "”",
    "’",
    "a. ",
    "Who? ",
    "(Image credit: ",
    "By A ",
    "he said. ",
]


def _calls(function: Callable[[], object]) -> int:
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        count += event in ("call", "c_call")

    sys.setprofile(profile)
    try:
        function()
    finally:
        sys.setprofile(None)
    return count


@pytest.mark.parametrize("piece", HOSTILE)
def test_summarise_does_work_in_proportion_to_hostile_text(piece):
    for joiner in (" ", "\n"):  # one long line, and a line per piece
        small, large = (
            (piece * (size // len(piece))).replace(" ", joiner) for size in (4_000, 16_000)
        )
        for text in (small, large):
            summarise(text, title=TITLE)  # warm the caches first
        calls = [_calls(partial(summarise, text, title=TITLE)) for text in (small, large)]
        assert (joiner, calls[1] <= 4.5 * calls[0] + 2_000) == (joiner, True)
