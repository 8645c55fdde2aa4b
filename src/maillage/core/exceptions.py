from django.utils.translation import gettext_lazy as _


class StaleObjectError(Exception):
    """Raised when an edit was based on a version of a record that has changed since."""

    message = _(
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "reload the page to see the current version, then make your changes again."
    )

    def __str__(self) -> str:
        return str(self.message)
