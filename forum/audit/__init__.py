"""The audit trail: every admin and moderation action, stored once and never edited."""
