"""Lines and sentences that are no summary: captions, credits, bylines, datelines, newsletter
and podcast intros, sign-up lines, teasers and questions (issue 22, "Summaries a reader trusts").

Patterns are data, each with where it was seen. Unlike boilerplate.py's, these stay in an item's
text (topics may match on a caption); only summaries skip them. Each is anchored at the start of a
line or sentence, or bounded in length, so that a hostile line costs time linear in its length.
"""

import re

__all__ = ["CAPTION", "INTRO", "QUESTION", "TEASER", "line_fault", "sentence_fault", "tidy"]

_I = re.IGNORECASE
CAPTION, CREDIT, BYLINE, DATELINE = "caption", "credit", "byline", "dateline"
INTRO, SIGNUP, TEASER, QUESTION = "intro", "signup", "teaser", "question"
EMBED = "embed"

# Picture agencies and wire photo desks, as they end a caption's credit.
_AGENCIES = (
    r"(?:Getty Images|Shutterstock|AFP|AP(?: Photo)?|Reuters|EPA(?:-EFE)?|Alamy|Bloomberg"
    r"|NurPhoto|Anadolu(?: Agency)?|SOPA Images|LightRocket|Sipa USA|Xinhua|Imago|PA Images"
    r"|PA Wire|Corbis|iStock|Unsplash|Future)"
)
# A credit in brackets inside a line: The Week's "(Image credit: Esteban Biba / EPA /
# Shutterstock)" after every picture (corpus news/theweek_feeds.xml), and the wire style
# "(Photo by … / AFP via Getty Images)" named in issue 22.
_CREDIT_IN_BRACKETS = re.compile(
    r"\((?:image|photo|picture|video|illustration|graphic)s?\s*(?:credit|courtesy|by)s?\b"
    r"[^()]{0,200}\)",
    _I,
)

# Whole lines, by the class a reader would call them: (class, pattern matched at line start).
LINES = (
    # A picture's credit on its own line: "Image credit: Future" (The Week); "Photo: …",
    # "File photo" (issue 22's list); "Credit: …", "Photograph by …", "Courtesy of …"; Khmer
    # "រូបថត៖" ("photo:") and "រូបភាព៖" ("picture:").
    (CREDIT, re.compile(
        r"(?:\(?\s*(?:image|photo(?:graph)?|picture|video|illustration|graphic|main image"
        r"|top image|header image)s?\s*(?:credit|courtesy|by)?s?\s*[:|]"
        r"|credits?\s*:|photo(?:graph)?s? by\b|courtesy of\b|file photo\b|photo illustration\b"
        r"|(?:រូបថត|រូបភាព)\s*[៖:])",
        _I,
    )),
    # A caption: a line ending in its picture's credit, "… Gaza City (Image credit: Omar
    # Al-Qattaa / AFP / Getty Images)" (The Week), "… AFP via Getty Images" (issue 22).
    (CAPTION, re.compile(
        rf".{{0,400}}?(?:\((?:image|photo|picture)s?\s*(?:credit|courtesy|by)s?\b[^()]{{0,200}}\)"
        rf"|(?:\bvia|/|©|\|)\s*(?:[\w.'’-]+\s+){{0,4}}?{_AGENCIES})\W{{0,3}}$",
        _I,
    )),
    # A byline: "By Matt Spetalnick, Olivia Le Poidevin and Parisa Hafezi" (Reuters via
    # Al-Monitor), "By Dan Aridor | INGA314.AI Published: …" (daridor.blog); Khmer "ដោយ៖"
    # ("by:"), the Khmer press's form (the corpus has no Khmer feed: our own tests hold it).
    (BYLINE, re.compile(
        r"(?:[Bb]y\s+[A-Z][\w.'’-]*(?:[ ,]+(?:and\s+|&\s+)?[A-Z][\w.'’-]*){0,11}\s*(?:[|—–-].*)?$"
        r"|(?:ដោយ|អត្ថបទ(?:ដោយ)?|អ្នកយកព័ត៌មាន)\s*[៖:])"
    )),
    # A date stamp: "Published: February 15, 2026" (daridor.blog), "Updated …", "Last
    # updated …", when the line is short enough to be nothing else.
    (DATELINE, re.compile(
        r"(?:published|updated|last updated|posted)(?: on)?\s*:?\s(?=.{0,60}\d).{0,60}$", _I
    )),
    # Newsletter and podcast intros: "Welcome back to In the Loop, TIME's new twice-weekly
    # newsletter about AI." (TIME Tech), "A podcast for curious, open-minded people, The Week
    # Unwrapped …" (The Week), "This article first appeared in …", "You're reading …".
    (INTRO, re.compile(
        r"(?:welcome (?:back )?to\b|you(?:’|')re reading\b|this is (?:an? |the )?(?:edition|"
        r"excerpt|preview) of\b|this (?:article|story|piece|post|essay|interview)"
        r" (?:first |originally )?(?:appeared|ran|was (?:first |originally )?published)\b"
        r"|(?:originally|first) published (?:in|on|by|at)\b"
        r"|a version of this (?:article|story) (?:appeared|was published)\b"
        r"|an? (?:weekly |daily |new )?(?:podcast|newsletter) (?:for|about)\b)",
        _I,
    )),
    # Sign-up lines: "Sign up for …", "Subscribe to …", "If you're reading this in your
    # browser, why not subscribe …" (TIME Tech), "Get our newsletter", "Follow us on …".
    (SIGNUP, re.compile(
        r"(?:sign up\b|subscribe\b|if you(?:’|')re reading this in your browser"
        r"|get (?:the|our) .{0,40}newsletter|follow us on\b|join our\b"
        r"|to (?:get|receive) (?:this|the|our) .{0,40}(?:newsletter|in your inbox))",
        _I,
    )),
)  # fmt: skip

# The kinds of LINES that a sentence of its own may be too ("… newsletter about AI. If you're
# reading this in your browser, why not subscribe …" is one line of two sentences).
_IN_SENTENCES = frozenset({INTRO, SIGNUP})
# Sentences that point elsewhere instead of saying something: "What next?" (The Week),
# "Here's what we know." / "Here's what to know." (TIME), "What to Know:", "Read more: …",
# "Continue reading …", "Click here …", "There's just one problem." (TIME), Khmer "អានបន្ត"
# ("read on").
_TEASER = re.compile(
    r"(?:what next\b|what happens next\b|what (?:we|you) (?:know|need to know)\b|what to know\b"
    r"|here(?:’|')s (?:what|how|why|where|when|who|the latest)\b|here (?:is|are) (?:what|how"
    r"|why|some|the)\b|read (?:more|on|the full|the rest)\b|continue reading\b|click here\b"
    r"|find out (?:more|how|why|what)\b|learn more\b|watch:|listen:|related:|see also\b"
    r"|(?:but )?there(?:’|')s (?:just |only )?(?:one|a) (?:problem|catch)\b"
    r"|(?:សូម)?អាន(?:បន្ត|ព័ត៌មានបន្ថែម))",
    _I,
)
# A sentence trailing off to make the reader click: "… for a few years now. but…" (All This).
_TRAILING_OFF = re.compile(r"\b(?:but|and|or|so|because|while)\W{0,3}(?:…|\.\.\.)$", _I)
# A call to buy at a sentence's end: "The number of promotional tickets is limited – grab yours
# today!" (OpenStreetMap Polska).
_CALL_TO_BUY = re.compile(
    r"\b(?:grab|get|buy|book|order|reserve) yours(?: now| today)?\W{0,3}$", _I
)
# What a page embeds rather than says: a post's @handle ("Dear @AppleSupport, we noticed …", a
# tweet in Macworld's story).
_EMBEDDED = re.compile(r"(?<![\w.])@[A-Za-z_]\w{1,30}\b")
# Markup printed as text: "<p>Much of the hype …" (a JSON Feed's content_text holding HTML).
# "History of the <blink> tag" is text: only the commonest tags are taken out.
_PRINTED_TAG = re.compile(r"</?(?:p|br|div|span|strong|em|b|i|code|img|a)(?:\s[^<>]{0,200})?/?>")
# Cambodia's capital and provinces, as a Khmer dateline names them ("ភ្នំពេញ៖ …" in the Khmer
# press: the place, then "៖"); any other "…៖" opening a line is a colon ("he said: …").
KHMER_PLACES = (
    "ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពង់ចាម", "ព្រះសីហនុ", "កំពត", "កណ្ដាល", "តាកែវ",
    "ព្រៃវែង", "ស្វាយរៀង", "កោះកុង", "រតនគិរី", "មណ្ឌលគិរី", "ក្រចេះ", "ស្ទឹងត្រែង", "ពោធិ៍សាត់",
    "បន្ទាយមានជ័យ", "ឧត្តរមានជ័យ", "ព្រះវិហារ", "កំពង់ធំ", "កំពង់ស្ពឺ", "កំពង់ឆ្នាំង", "កែប",
    "ប៉ៃលិន", "ត្បូងឃ្មុំ",
)  # fmt: skip
# A dateline before the lead: Reuters' "BERLIN, Feb 17 (Reuters) - More than …" (Al-Monitor),
# AP's "PHNOM PENH (AP) — …", a bare "PHNOM PENH — …", or a Khmer one.
_DATELINE_PREFIX = re.compile(
    r"(?:[A-Z][A-Z.'’/ -]{1,40}(?:,\s*[A-Z][\w.]{0,12}(?:\s+\w{1,12}){0,2})?"
    r"\s*\((?:Reuters|AP|AFP|UPI|Xinhua|Bernama|dpa)\)\s*[—–-]+\s*"
    r"|[A-Z][A-Z'’ ]{3,30}[A-Z]\s+[—–]\s+"
    rf"|(?:ខេត្ត|រាជធានី|ក្រុង)?\u200b?(?:{'|'.join(KHMER_PLACES)})\u200b?\s*៖\s*)"
)


def line_fault(line: str) -> str | None:
    """The class of a line no summary may show (see LINES), or None."""
    return next((kind for kind, pattern in LINES if pattern.match(line)), None)


def sentence_fault(sentence: str) -> str | None:
    """The class of a sentence no summary may show: a teaser, an intro or sign-up line said
    in a sentence of its own, a question (a question alone tells no news), or what the page
    embeds (a social post, markup). Or None."""
    if _TEASER.match(sentence):
        return TEASER
    if _TRAILING_OFF.search(sentence[-40:]) or _CALL_TO_BUY.search(sentence[-40:]):
        return TEASER
    if "@" in sentence and _EMBEDDED.search(sentence):
        return EMBED
    if sentence.rstrip(" \"'”’»)]").endswith("?"):
        return QUESTION
    return next(
        (kind for kind, pattern in LINES if kind in _IN_SENTENCES and pattern.match(sentence)),
        None,
    )


# A date stamp before the lead: "Updated 11/28/17: The fifth iOS 11.2 beta …" (Macworld).
_STAMP_PREFIX = re.compile(
    r"(?:updated|published|posted)(?: on)?\s*:?\s*\d[\d/.-]{4,9}\s*[:—–-]\s*", _I
)


def tidy(line: str) -> str:
    """``line`` without markup printed as text, a credit in brackets, or a dateline before its
    first sentence."""
    if "<" in line:
        line = " ".join(_PRINTED_TAG.sub(" ", line).split())
    if "(" in line and ("redit" in line or "ourtesy" in line or " by " in line):
        line = " ".join(_CREDIT_IN_BRACKETS.sub(" ", line).split())
    if dateline := _DATELINE_PREFIX.match(line) or _STAMP_PREFIX.match(line):
        line = line[dateline.end() :]
    return line
