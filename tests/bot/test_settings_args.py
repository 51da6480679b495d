"""Typed /settings words: the quiet options."""

import pytest

from bot.settings_args import parse_settings_args


@pytest.mark.parametrize(
    ("words", "changes"),
    [
        (["silent", "on"], {"silent": True}),
        (["silent", "off"], {"silent": False}),
        (["quiet", "22:00-07:00"], {"quiet_hours": "22:00-07:00"}),
        (["quiet", "22", "-", "6", "daily"], {"quiet_hours": "22:00-06:00", "mode": "daily"}),
        (["quiet"], {"quiet_hours": "22:00-07:00"}),
        (["quiet", "off"], {"quiet_hours": None}),
    ],
)
def test_settings_words_for_the_quiet_options(words, changes):
    assert parse_settings_args(words).changes == changes


def test_quiet_hours_that_are_not_hours_are_a_problem_not_a_change():
    change = parse_settings_args(["quiet", "banana"])
    assert (change.problem, change.changes) == ("quiet banana", {})
