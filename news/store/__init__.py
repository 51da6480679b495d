"""All SQL lives here: feeds and their fetch state, stories, and (later) chats and the outbox."""
