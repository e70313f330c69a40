"""Accounts: registration, signing in and out, server-side sessions, profiles."""
