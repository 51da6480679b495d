"""Fetch: getting bytes from publishers politely, within hard limits.

Takes a feed's URL and validators and a shared ``httpx.AsyncClient`` (passed in); gives a
``FetchResult``: the decoded body capped in size, or a status an admin can read. Also here:
the byte budget for bodies in memory, when to poll a feed next, and resolving a BHRRC item
to its story in context (HTTP first, then the page's own pointer, read by ``news.text``).

Never imports ``news.store``, ``news.feeds`` or ``telegram``: a fetched body is handed on,
never parsed or stored here.
"""
