"""Size limits that keep one bad file from exhausting memory."""

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_UNCOMPRESSED_XML_BYTES = 50 * 1024 * 1024
