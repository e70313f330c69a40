"""Threads and their reply trees."""
