"""Fixtures of the talents tests (personas come from the project conftest)."""
