"""Character references in Telegram's HTML parse mode: the four named ones and numeric ones.

Telegram decodes only ``&lt;``, ``&gt;``, ``&amp;``, ``&quot;`` and ``&#…;``/``&#x…;`` below
U+10FFFF; anything else after ``&`` is shown literally, which the fake refuses when strict.
"""

import re

_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def decode_entity(src: str, i: int) -> tuple[str | None, int]:
    """Decode the entity at ``src[i] == "&"``: (character, end index) or (None, i)."""
    end = i + 1
    if src.startswith("&#", i):
        end += 1
        hexadecimal = src.startswith("x", end)
        end += hexadecimal
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while end < len(src) and src[end] in digits:
            end += 1
        if end == start or end - i >= 10:
            return None, i
        code = int(src[start:end], 16 if hexadecimal else 10)
        if code == 0 or code >= 0x10FFFF:
            return None, i
        char = chr(code)
    else:
        while end < len(src) and src[end].isascii() and src[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(src[i + 1 : end])
        if named is None:
            return None, i
        char = named
    return char, end + 1 if src.startswith(";", end) else end


def ampersand_reason(src: str, i: int) -> str:
    """Why the ``&`` at ``src[i]`` is refused, in Telegram's words."""
    name = re.match(r"&#?[A-Za-z0-9]+;", src[i:])
    if name:
        return f'Unsupported HTML entity "{name[0]}"'
    return "Character '&' is reserved: escape it as &amp;"
