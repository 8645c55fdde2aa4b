"""Writes of the diagnostic module, one module per area; views and the API call these."""
