"""Sentence splitting and extractive summaries."""

import pytest

from news.text.sentences import is_complete
from news.text.summary import split_sentences, summarise

KHMER_1 = "រដ្ឋាភិបាលបានបដិសេធការចោទប្រកាន់។"
KHMER_2 = "សហជីពបាននិយាយថាសមាជិករបស់ខ្លួនត្រូវបានតាមដាន៕"
KHMER_3 = "ក្រុមការងារនឹងជួបប្រជុំនៅសប្ដាហ៍ក្រោយ។"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Sok met Dr. Chea at the U.N. office. They discussed the U.S. proposal, e.g. new"
            " tariffs, i.e. costs. J. K. Rowling was not there.",
            [
                "Mr. Sok met Dr. Chea at the U.N. office.",
                "They discussed the U.S. proposal, e.g. new tariffs, i.e. costs.",
                "J. K. Rowling was not there.",
            ],
        ),
        (
            "The Gov't. Ministry replied. St. Mary's school and Gen. Tea Banh vs. the others.",
            [
                "The Gov't. Ministry replied.",
                "St. Mary's school and Gen. Tea Banh vs. the others.",
            ],
        ),
        (
            "Exports fell 2.5 per cent in 2019. The EU withdrew about 20 per cent.",
            ["Exports fell 2.5 per cent in 2019.", "The EU withdrew about 20 per cent."],
        ),
        (
            "Decree No. 5 came in Jan. 2020. The answer was no. It stays.",
            ["Decree No. 5 came in Jan. 2020.", "The answer was no.", "It stays."],
        ),
        (
            "“We will appeal.” The court adjourned. He said “enough.” Then he left.",
            ["“We will appeal.”", "The court adjourned.", "He said “enough.”", "Then he left."],
        ),
        (
            'Who benefits? Not the workers! "Why?" he asked.',
            ["Who benefits?", "Not the workers!", '"Why?" he asked.'],
        ),
        (
            "He said no cases were found… He said officials were working... The law stays.",
            [
                "He said no cases were found…",
                "He said officials were working...",
                "The law stays.",
            ],
        ),
        ("Talks stalled … and then resumed.", ["Talks stalled … and then resumed."]),
        ("Acme Inc. said it would respond.", ["Acme Inc. said it would respond."]),
        ("See example.com.kh for details.", ["See example.com.kh for details."]),
        (KHMER_1 + " " + KHMER_2, [KHMER_1, KHMER_2]),
        (KHMER_1 + KHMER_2, [KHMER_1, KHMER_2]),
        ("សៀវភៅ ប៊ិច ។ល។ ត្រូវបានចែកជូន។", ["សៀវភៅ ប៊ិច ។ល។ ត្រូវបានចែកជូន។"]),
        ("A headline\nThe first sentence.", ["A headline", "The first sentence."]),
        ("  …  \n\n", []),
        ("", []),
    ],
)  # fmt: skip
def test_split_sentences(text, expected):
    assert split_sentences(text) == expected


TITLE = "Cambodia: Ministry says no NGO faces pressure; rights groups report surveillance"
OFFICIAL = (
    "Interior ministry spokesman Touch Sokha said on Monday that no association had been"
    " threatened or closed for its work in the past year."
)
SAME_SPEAKER = "He said every complaint had been answered within a month."
FILLER = "The forum was held at a hotel in the capital."
RESPONSE = "“Our staff are followed to meetings,” said Ny Chakrya of the rights group Licadho."


def test_claim_and_response_are_both_kept_in_document_order():
    text = "\n".join([OFFICIAL, SAME_SPEAKER, FILLER, RESPONSE])
    assert summarise(text, title=TITLE) == OFFICIAL + " " + RESPONSE


def test_a_sentence_adding_title_words_is_preferred_to_the_next_one():
    coverage = "Rights groups have reported surveillance of staff since 2017."
    text = "\n".join([OFFICIAL, FILLER, coverage])
    assert summarise(text, title=TITLE, max_chars=500) == OFFICIAL + " " + coverage


def test_without_a_title_the_lead_and_the_next_sentences_are_used():
    text = " ".join(["One thing happened.", "Then another.", "And a third.", "Not a fourth."])
    assert summarise(text) == "One thing happened. Then another. And a third."


def test_max_sentences_and_max_chars_are_respected():
    text = "\n".join([OFFICIAL, SAME_SPEAKER, FILLER, RESPONSE])
    assert summarise(text, title=TITLE, max_sentences=1) == OFFICIAL
    assert summarise(text, title=TITLE, max_chars=len(OFFICIAL) + 1) == OFFICIAL


def test_bhrrc_leading_lines_and_boilerplate_are_skipped():
    text = "\n".join(
        [
            "hide message",
            TITLE,
            "Author: Sok Chan, Mekong Ledger, Published on: 4 July 2018",
            "“Ministry: no NGO under pressure”, 2 July 2018",
            OFFICIAL,
            "Read the full post here",
        ]
    )
    assert summarise(text, title=TITLE) == OFFICIAL


def test_title_only_text_has_no_summary():
    assert summarise(TITLE, title=TITLE) == ""
    assert summarise(TITLE + ".", title=TITLE) == ""
    assert summarise(TITLE + "\n“The headline”, 2 July 2018", title=TITLE) == ""


@pytest.mark.parametrize("text", ["", "   \n\n", "hide message\nDonate now hide message"])
def test_empty_or_boilerplate_text_has_no_summary(text):
    assert summarise(text, title=TITLE) == ""


def test_one_huge_sentence_is_cut_at_a_word_boundary():
    text = " ".join(f"w{i:03d}" for i in range(200)) + "."
    expected = " ".join(f"w{i:03d}" for i in range(69)) + "…"
    assert summarise(text) == expected


def test_cutting_does_not_end_on_a_comma():
    text = "Word, " * 100
    assert summarise(text, max_chars=20) == "Word, Word, Word…"


def test_a_run_without_spaces_is_cut_between_khmer_clusters():
    text = "ក្រសួង" * 100  # ក្រ + សួ + ង: a cut at 49 would split the subscript ្រ
    assert summarise(text, max_chars=50) == "ក្រសួង" * 8 + "…"


def test_khmer_is_cut_at_a_zero_width_space():
    text = "ក្រសួង\u200b" * 100
    assert summarise(text, max_chars=50) == "ក្រសួង\u200b" * 6 + "ក្រសួង…"


def test_khmer_only_text_gives_complete_khmer_sentences():
    text = KHMER_1 + " " + KHMER_2 + "\n" + KHMER_3 + KHMER_1
    assert summarise(text) == KHMER_1 + " " + KHMER_2 + " " + KHMER_3
    assert summarise(text, max_chars=len(KHMER_1) + 1) == KHMER_1


def test_unpunctuated_text_is_still_summarised():
    assert summarise("Union leader released on bail") == "Union leader released on bail"


def test_summaries_are_complete_sentences_within_the_limit():
    text = "\n".join([OFFICIAL, SAME_SPEAKER, FILLER, RESPONSE] * 3)
    summary = summarise(text, title=TITLE)
    sentences = split_sentences(summary)
    assert (len(summary) <= 350, 1 <= len(sentences) <= 3) == (True, True)
    assert [is_complete(s) for s in sentences] == [True] * len(sentences)


@pytest.mark.parametrize(("max_chars", "max_sentences"), [(0, 3), (350, 0)])
def test_nonsense_limits_are_refused(max_chars, max_sentences):
    with pytest.raises(ValueError, match="must be"):
        summarise("Text.", max_chars=max_chars, max_sentences=max_sentences)


def test_a_title_run_into_the_text_is_skipped():
    text = "Union leader bailed. The court set bail at 500 dollars."
    assert summarise(text, title="Union leader bailed") == "The court set bail at 500 dollars."


def test_a_line_that_only_starts_like_the_title_is_kept():
    assert summarise("Story number 12.", title="Story number 1") == "Story number 12."


def test_a_sentence_is_never_repeated():
    assert summarise("\n".join([OFFICIAL, OFFICIAL, FILLER])) == OFFICIAL + " " + FILLER


def test_a_megabyte_of_text_is_summarised_from_its_start():
    text = OFFICIAL + "\n" + (FILLER + "\n") * 25_000 + RESPONSE
    assert summarise(text, title=TITLE) == " ".join([OFFICIAL, FILLER])


BREAKS_AND_SPACES = [
    (
        "First line\u2028Second line. Third\x0bFourth.",
        ["First line", "Second line.", "Third", "Fourth."],
    ),
    (
        "Windows line.\r\nNext line.\rOld Mac line.",
        ["Windows line.", "Next line.", "Old Mac line."],
    ),
    ("Ends with a ZWSP.\u200b\nNext.", ["Ends with a ZWSP.", "Next."]),
    ("Trailing space and ZWSP. \u200b", ["Trailing space and ZWSP."]),
    ("y" * 30 + "Mr. Sok arrived.", ["y" * 30 + "Mr.", "Sok arrived."]),
    (
        "It cost approx. 5 dollars. Approximately.",
        ["It cost approx. 5 dollars.", "Approximately."],
    ),
    ("(Mr. Sok) left. «Dr. Chea» came.", ["(Mr. Sok) left.", "«Dr. Chea» came."]),
    # The word before a full stop is looked for in its own line only.
    (
        "Line one.\na.b.c.d.e.f.g.h.i.j.k.l.m. Next",
        ["Line one.", "a.b.c.d.e.f.g.h.i.j.k.l.m.", "Next"],
    ),
    ("x a.b.c.d.e.f.g.h.i.j.k.l. Next", ["x a.b.c.d.e.f.g.h.i.j.k.l. Next"]),
]


@pytest.mark.parametrize(("text", "expected"), BREAKS_AND_SPACES)
def test_split_sentences_across_kinds_of_line_break_and_space(text, expected):
    assert split_sentences(text) == expected


def test_he_said_is_not_shown_when_the_sentence_naming_him_is_not():
    # Once "He said …" followed the official's words, naming Ny Chakrya from a sentence too
    # long to show: a reader took it for the official's (issue 22, "stand alone").
    long = "Ny Chakrya of Licadho said that " + "staff had been followed, " * 20 + "in vain."
    he = "He said the monitoring had started in March."
    text = "\n".join([OFFICIAL, long, FILLER, he])
    assert summarise(text, title=TITLE) == OFFICIAL


@pytest.mark.parametrize(
    ("title", "last"),
    [
        ("EU’s fine: Apple’s answer", "Apple’s lawyers said the EU’s fine was unfair."),
        ("Hers alone", "Hers was the only voice against."),  # the stem of "hers" is a stop word
    ],
)
def test_title_words_with_short_or_stop_word_stems_count(title, last):
    text = "\n".join([OFFICIAL, FILLER, "The herd was moved away.", last])
    assert summarise(text, title=title) == OFFICIAL + " " + last


def test_a_later_sentence_with_more_title_words_wins_within_the_lead_only():
    # Once a sentence however far down could win: out of the lead, it was out of context
    # (issue 22, "from the story's lead").
    coverage = "Rights groups have reported surveillance of staff since 2017."
    fillers = [FILLER.replace("hotel", f"hotel {n}") for n in range(300)]
    near = "\n".join([OFFICIAL, *fillers[:5], coverage])
    assert summarise(near, title=TITLE) == OFFICIAL + " " + coverage
    far = "\n".join([OFFICIAL, *fillers, coverage])
    assert coverage not in summarise(far, title=TITLE)
