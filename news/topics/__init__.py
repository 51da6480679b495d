"""Topics: which curated topics a story matches, and why.

Takes the admin's topic definitions (``config``) and compiles them once (``match``); gives,
for a title and text, the topics matched with the terms that matched. Khmer text matches on
a folded key (``khmer``, ``keys``); ``names`` finds a topic from what a subscriber typed.

Pure, and the bottom of the pipeline: imports no other stage. Parser processes use the
compiled topics without loading pydantic, so ``match`` sees ``config`` only when type-checked.
"""
