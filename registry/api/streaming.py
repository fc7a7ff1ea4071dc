"""Streaming PostgreSQL's COPY … TO STDOUT (psycopg 3) to the client in blocks.

COPY's text format would escape backslashes inside JSON, so JSON lines go through CSV format with quote and
delimiter bytes that JSON never contains (JSON_LINES): each line is the JSON verbatim.
"""

from django.db import connection

JSON_LINES = "FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02'"
# Every value quoted: a spreadsheet's default import splits on `,` and `;` alike (LibreOffice: `,` `;` tab),
# so an unquoted decimal comma "12,5" became two columns; quoted, it is still read as the number 12,5.
GERMAN_CSV = "FORMAT csv, DELIMITER ';', HEADER true, FORCE_QUOTE *"


def copy_lines(sql, params, copy_options, buffer_size=1 << 16):
    """Yield COPY output in ~64 KB blocks; the COPY is always finished so the connection is free again.

    COPY delivers one message per row; handing each to the WSGI server separately costs a write per row,
    which dominated the export time (bench/export.py). `copy_options` is one of the constants above.
    """
    connection.ensure_connection()
    with connection.cursor() as cursor:
        # The raw psycopg cursor: Django's debug wrapper's copy() takes no parameters.
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH ({copy_options})", params) as copy:
            block, size = [], 0
            for row in copy:
                block.append(row)
                size += len(row)
                if size >= buffer_size:
                    yield b"".join(block)
                    block, size = [], 0
            if block:
                yield b"".join(block)
