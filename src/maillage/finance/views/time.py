"""Work in progress (this session): routes are added by the module's author."""

urlpatterns: list = []
