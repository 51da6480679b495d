"""The poll job: every due feed is fetched, parsed, stored and rescheduled.

``cycle`` claims due feeds with leases a batch at a time and logs the cycle; ``feed`` polls one
claimed feed (fetch, parse, save); ``outcome`` writes what a poll leaves and reports it. Takes
the config, the database, the fetch thread and the parser pool; gives feed reports. Imports
nothing of ``bot``.
"""

from jobs.poll.cycle import Poller, summarise_cycle

__all__ = ["Poller", "summarise_cycle"]
