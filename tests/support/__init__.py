"""Helpers shared by the test tiers (conftest.py holds only fixtures)."""
