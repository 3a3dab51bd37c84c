"""The refused rows of an import, as CSV (SPEC X5): the file's own columns, its line and the
reason, for the user to mend and import again. Written as the exports are (a byte order
mark, no formula run by a spreadsheet)."""

import csv
import io
from collections.abc import Iterable

from salespipe.exports.writers import BOM, neutralised
from salespipe.imports.files import Table


def rejected_csv(table: Table, refused: Iterable[tuple[int, str]]) -> str:
    """`refused`: (line, reason) of each refused row."""
    by_line = {row.line: row for row in table.rows}
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([neutralised(header) for header in ["line", *table.headers, "reason"]])
    for line, reason in refused:
        if line in by_line:
            cells = ["" if cell is None else str(cell) for cell in by_line[line].cells]
            writer.writerow([line, *(neutralised(cell) for cell in cells), neutralised(reason)])
    return out.getvalue()
