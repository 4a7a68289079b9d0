"""Moderation: the instance's rules, reports and their handling, and the audit log."""
