"""Text: feed HTML to what a subscriber reads, and to what identifies a story.

Takes item HTML and a title; gives clean text, a summary of whole sentences, the credit line,
the original publisher's link, the story-in-context link, canonical URLs and headline
clusters. Linear-time on hostile HTML: a tokenizer of its own and C-speed scans, no
backtracking regexes over whole documents.

Pure. Imports only ``news.topics`` (skimming asks whether any topic may want an item) and
the shared ``news.models``; never ``news.fetch``, ``news.store``, ``httpx`` or ``telegram``.
"""
