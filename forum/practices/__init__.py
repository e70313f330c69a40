"""Curated good practices: a staff summary in the national format, adoptions, the library."""
