"""Goals: what a pilot organisation sets out to achieve from its initial assessment, how it
gets on (updates over time) and what shows it (threads, good practices, events)."""
