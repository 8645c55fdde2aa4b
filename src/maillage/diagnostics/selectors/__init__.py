"""Reads of the diagnostic module, one module per area."""
