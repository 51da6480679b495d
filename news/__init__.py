"""The pipeline both shells share, one package per stage; arrows run downwards only.

``store`` → ``feeds`` → ``fetch`` | ``delivery`` → ``text`` → ``topics``: a stage imports
the stages to its right and never one to its left (``make lint`` checks it). Beside them,
three modules every stage may use: ``config`` (the admin's TOML file), ``models`` (plain
values passed between stages) and ``units``. Nothing here imports ``telegram``, ``bot`` or
``jobs``.
"""
