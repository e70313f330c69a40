"""Boards: where threads live, national or regional, with a visibility."""
