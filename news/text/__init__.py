"""Text: feed HTML to what a subscriber reads, and to what identifies a story.

Takes item HTML and a title; gives clean text, a summary of whole sentences, the credit line,
the original publisher's link, the story-in-context link, canonical URLs and headline
clusters.

DESIGN: what parses HTML, and why. Our own code does: a linear-time tokenizer
(``tokenizer.py``) and a scan that leaves most of the work to C-speed regexes (``scan.py``),
read through ``markup.py``, with ``entities.py`` decoding references. The stdlib
``html.parser`` goes quadratic on runs like ``<a<a<a`` (200 kB took over a minute), and the
two libraries that parse HTML in C were measured against ours (bench B8,
docs/benchmarks.md) and kept out:

- selectolax (Lexbor, HTML5 tree building) needs 1.5x our CPU per MB on the corpus's item
  HTML, and its tree building is quadratic in nesting depth: 1 MB of ``<div>`` (200,000
  levels) takes more than 30 s, ``<div><span><a href=x>`` 10 s, against our 0.1 and 0.5 s.
- lxml (libxml2) needs 3x our CPU per MB, and stays linear only because it stops building
  past 256 levels and drops the rest of the document (text lost).

Neither reads better: selectolax gives our text and links on every corpus item, lxml on all
but one (it drops the line break of a ``</br>``). Our rules follow the HTML standard where
text depends on them. A formula's text (MathML) is shown, as browsers show it; its
annotations (a TeX source, say) are not.

Pure. Imports only ``news.topics`` (skimming asks whether any topic may want an item) and
the shared ``news.models``; never ``news.fetch``, ``news.store``, ``httpx`` or ``telegram``.
"""
