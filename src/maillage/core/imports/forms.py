from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .parsing import ImportFileError, check_file

ACCEPT = ",".join(
    [
        ".csv",
        ".txt",
        ".tsv",
        ".xlsx",
        ".json",
        "text/csv",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/json",
    ]
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        widget=forms.FileInput(attrs={"accept": ACCEPT}),
    )
    all_or_nothing = forms.BooleanField(
        label=_("All or nothing: if any row has an error, import none of them"),
        required=False,
        initial=True,
        help_text=_(
            "Untick to import the valid rows and skip the rows with errors. You will see a "
            "preview before anything is imported either way."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_file(upload, upload.name)
        except ImportFileError as error:
            raise ValidationError(error.message) from error
        return upload
