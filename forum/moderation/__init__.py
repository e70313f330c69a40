"""Moderation: flags, the review queue, staff tools on posts, threads and members."""
