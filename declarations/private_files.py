"""Answers that carry a private file (an ID photo, a draft photo, a declaration PDF) to the
one the calling view has allowed to see it. The file is streamed from private storage,
local disk or an object store alike, in blocks: a worker holds one block of it in memory,
never the whole file, and no URL of the storage ever reaches the client."""
from django.core.files.storage import default_storage
from django.http import FileResponse

# What one read takes from the storage (FileResponse's default, 4 KiB, costs a Python
# round trip per 4 KiB of a 3 MB photo).
STREAM_BLOCK_BYTES = 64 * 1024


def private_file_response(
    name: str, *, content_type: str, filename: str = "", as_attachment: bool = False
) -> FileResponse:
    """The file `name` of private storage as a streamed, uncacheable answer: inline with no
    file name unless `filename` or `as_attachment` says otherwise. Raises
    FileNotFoundError when the file has gone (the caller answers 404)."""
    handle = default_storage.open(name, "rb")
    response = FileResponse(handle, content_type=content_type, as_attachment=as_attachment,
                            filename=filename)
    response.block_size = STREAM_BLOCK_BYTES
    # FileResponse measures only seekable files; an object store's body says its length.
    if not response.has_header("Content-Length") and handle.size is not None:
        response["Content-Length"] = str(handle.size)
    if not filename and not as_attachment:
        response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, no-store"
    return response
