"""Placeholder: filled by the area owner."""

urlpatterns: list = []
