"""B1's rounds: how the page's figures come from several runs of the same scenario."""

from bench.b1_poll import median_of


def run(wall: float, rss: float, status: str = "ok") -> dict[str, object]:
    return {
        "cold": {"wall": wall, "feeds": 500, "statuses": {status: 485}},
        "peak_rss_mb": {"self": rss},
        "tree_peak_mb": {"rss": rss * 2, "pss": rss * 1.5, "processes": 4 if rss > 155 else 3},
        "concurrency": 64,
    }


def test_numbers_take_their_median_and_peak_memory_its_largest() -> None:
    middle = median_of([run(9.0, 150.0), run(12.5, 170.0), run(7.25, 160.0)])

    assert middle["cold"] == {"wall": 9.0, "feeds": 500, "statuses": {"ok": 485}}
    assert middle["peak_rss_mb"] == {"self": 170.0}
    assert middle["tree_peak_mb"] == {"rss": 340.0, "pss": 255.0, "processes": 4}
    assert middle["concurrency"] == 64


def test_an_even_number_of_rounds_takes_the_mean_of_the_middle_two() -> None:
    assert median_of([run(8.0, 1.0), run(10.0, 1.0)])["cold"]["wall"] == 9.0


def test_one_round_is_itself() -> None:
    assert median_of([run(9.87, 150.0)]) == run(9.87, 150.0)


def test_results_of_another_shape_keep_the_first_rounds() -> None:
    rounds = [run(9.0, 1.0), run(10.0, 1.0, status="timeout"), run(11.0, 1.0)]

    assert median_of(rounds)["cold"]["statuses"] == {"ok": 485}
    assert median_of(rounds)["cold"]["wall"] == 10.0
