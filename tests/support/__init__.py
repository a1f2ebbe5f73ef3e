"""Helpers shared by the tests: fixtures, data and small servers (never imported outside tests/)."""
