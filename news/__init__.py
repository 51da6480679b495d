"""The pipeline both shells share: config, fetch, parse, extract, topics, render, store."""
