"""Private files (complaint attachments, inspection evidence) as they leave the site."""

from django.http import FileResponse


def private_download(file, *, filename: str, content_type: str) -> FileResponse:
    """`file` as an attachment the browser saves and never renders (nosniff), kept by no cache
    on the way (private, no-store). The caller has checked the rights and written the audit."""
    response = FileResponse(
        file.open("rb"), as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
