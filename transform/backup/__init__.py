"""Export one programme, with everything it references, to a versioned archive; restore it.

The archive is a .zip: `manifest.json` (format version, schema revision, counts, checksums),
`tables/<table>.json` (the rows, ids kept) and `files/` (uploaded evidence, report PDFs).
Users are exported with their password hashes so that a restore into an empty database
can be logged into at once; the manifest says so, and the archive must be kept as safely
as the database itself. API tokens are never exported.
"""

FORMAT = "transform-programme-export"
FORMAT_VERSION = 1


class ArchiveRefused(Exception):
    """The archive cannot be restored here; the message says why."""
