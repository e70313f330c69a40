"""The curated, translated taxonomy of good practices, and tagging threads with it."""
