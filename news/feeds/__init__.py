"""Feeds: a fetched body to storable entries, in parser processes.

Takes bytes, the response headers and a ``FeedContext``; gives a ``ParsedFeed`` of entries
with identity, clean text, summary, links and topic matches. RSS, RDF and Atom take the lxml
fast path (``xml`` replays feedparser's rules over the tree) or feedparser itself; JSON Feed
goes through ``json``. ``workers`` runs the job (``job``) in processes of its own.

Pure and CPU-bound. Never imports ``news.store``, ``sqlalchemy``, ``httpx`` or ``telegram``:
a parser process loads none of them (an import-linter contract and tests/feeds/test_workers.py
check it).
"""
