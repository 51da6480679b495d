"""Topics: which curated topics a story matches, and why.

Takes the admin's topic definitions (``config``) and compiles them once (``compile``); gives,
for a title and text read once (``story``), the topics matched with the terms that matched
(``match``), and a cheap screen of whether any could match (``screen``). Khmer text matches on
a folded key (``khmer``, ``keys``); ``names`` finds a topic from what a subscriber typed.

Pure, and the bottom of the pipeline: imports no other stage. Parser processes use the
compiled topics without loading pydantic, so ``compile`` sees ``config`` only when type-checked.
"""
