"""Writes of the partnership module, one module per area; views and the API call these."""
