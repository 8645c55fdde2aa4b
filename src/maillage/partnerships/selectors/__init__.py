"""Reads of the partnership module, one module per area."""
