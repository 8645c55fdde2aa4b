"""Personal data pages: a signed-in person downloads what the platform holds about them and can
erase their account. The mechanism itself is `maillage.core.personal_data`."""
