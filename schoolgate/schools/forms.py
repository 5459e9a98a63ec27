from django import forms

MAX_ROSTER_BYTES = 5 * 1024 * 1024


class RosterUploadForm(forms.Form):
    file = forms.FileField(label="Roster CSV", help_text="Columns: name,role,group,aliases")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_ROSTER_BYTES:
            raise forms.ValidationError("The file is larger than 5 MB.")
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload
