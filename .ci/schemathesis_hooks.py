"""Schemathesis hooks for quickwin services: raw bodies for the file uploads.

`POST /api/attachments` takes the bytes of a PDF, JPEG or PNG file; schemathesis cannot
derive such bodies from a schema, so these strategies give it real files and files whose
bytes do not match their type (which the service must refuse with a 422).
"""

import schemathesis
from hypothesis import strategies as st

FILES = {
    "application/pdf": b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n",
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9",
    "image/png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00",
}

for media_type, good in FILES.items():
    schemathesis.openapi.media_type(
        media_type, st.one_of(st.just(good), st.binary(min_size=0, max_size=64))
    )
