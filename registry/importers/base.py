"""CSV plumbing shared by the registry importers.

A file is read as a stream (the csv module, UTF-8 with or without BOM), one row at a time;
each good row becomes an item, items are written in batches in one transaction each, and a
batch that the database refuses is retried row by row (one savepoint per row) so that one
bad line never costs the others. Line numbers are the file's physical line numbers.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from django.db import DatabaseError, connection, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from registry.text import fold, normalize_name

DEFAULT_BATCH_SIZE = 5000
Item = TypeVar("Item")
_SPACES = re.compile(r"\s+")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (no header, required column missing)."""


class RowError(ValueError):
    """One line is refused; the message (Vietnamese) says why."""


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    # Known columns present in the header: only these are written on update.
    columns: set[str] = field(default_factory=set)

    @property
    def processed(self) -> int:
        return self.created + self.updated + len(self.rejected)

    def reject(self, line: int, reason: str) -> None:
        self.rejected.append(Rejection(line, capfirst(reason)))

    def summary(self) -> str:
        return f"created={self.created} updated={self.updated} rejected={len(self.rejected)}"


@dataclass
class Row(Generic[Item]):
    """A parsed line waiting in a batch."""

    line: int
    item: Item


@dataclass
class BatchResult:
    created: int = 0
    updated: int = 0
    rejected: list[Rejection] = field(default_factory=list)


# --- Reading ----------------------------------------------------------------------------

def _header_key(name: str) -> str:
    return _SPACES.sub("_", unicodedata.normalize("NFC", name).strip().lstrip("\ufeff").lower())


def open_text(source: str | Path | IO[bytes] | IO[str]) -> IO[str]:
    """A text stream over `source`: UTF-8 with or without a BOM, or UTF-16 when the file
    starts with a UTF-16 BOM (Excel's "Unicode text"). Undecodable bytes become lone
    surrogates, which the row check turns into a rejection of that line."""
    if isinstance(source, io.TextIOBase):
        return source
    raw = open(source, "rb") if isinstance(source, (str, Path)) else source  # noqa: SIM115
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
    encoding = "utf-16" if buffered.peek(2)[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    return io.TextIOWrapper(buffered, encoding=encoding, errors="surrogateescape", newline="")


def _has_surrogates(values: Sequence[str]) -> bool:
    """Whether decoding left lone surrogates (bytes that were not UTF-8) in the row."""
    try:
        "".join(values).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def read_rows(
    stream: IO[str], *, required: Sequence[str], optional: Sequence[str], report: ImportReport
) -> Iterator[tuple[int, dict[str, str] | RowError]]:
    """Yield (line number, {column: value}) per data line, or (line, RowError) for a line
    that is not even a well-formed row. Raises ImportFileError for a bad header."""
    first_line = stream.readline()
    # Excel writes ";" (or tab) where the locale uses "," as the decimal mark.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(itertools.chain([first_line], stream), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("Tệp trống: thiếu dòng tiêu đề.")) from None
    except csv.Error as exc:
        raise ImportFileError(_("Dòng tiêu đề không đọc được: %s") % exc) from None
    keys = [_header_key(name) for name in header]
    missing = [name for name in required if name not in keys]
    if missing:
        raise ImportFileError(_("Thiếu cột bắt buộc: %s") % ", ".join(missing))
    duplicated = sorted({key for key in keys if keys.count(key) > 1 and key})
    if duplicated:
        raise ImportFileError(_("Cột bị lặp trong tiêu đề: %s") % ", ".join(duplicated))
    known = set(required) | set(optional)
    report.ignored_columns = [key for key in keys if key and key not in known]
    report.columns = {key for key in keys if key in known}
    width = len(keys)
    last_line = reader.line_num
    while True:
        start = last_line + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            last_line = reader.line_num
            yield start, RowError(_("Dòng CSV không hợp lệ: %s") % exc)
            continue
        last_line = reader.line_num
        if not values or (len(values) == 1 and not values[0].strip()):
            continue  # blank line
        if len(values) != width:
            yield start, RowError(
                _("Số cột (%(got)d) không khớp dòng tiêu đề (%(want)d).")
                % {"got": len(values), "want": width}
            )
            continue
        if _has_surrogates(values):
            yield start, RowError(_("Dòng có ký tự không phải UTF-8."))
            continue
        yield start, {key: value for key, value in zip(keys, values, strict=True) if key in known}


# --- Running ----------------------------------------------------------------------------

def _database_reason(exc: DatabaseError) -> str:
    # Only the first line: the DETAIL line of PostgreSQL repeats the values (personal data).
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else exc.__class__.__name__
    return _("Cơ sở dữ liệu từ chối dòng này: %s") % first


def run_import(
    source: str | Path | IO[bytes] | IO[str],
    *,
    required: Sequence[str],
    optional: Sequence[str],
    parse: Callable[[int, dict[str, str]], Any],
    write: Callable[[list[Row]], BatchResult],
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_header: Callable[[set[str]], None] | None = None,
) -> ImportReport:
    """Read `source`, `parse` each line into an item (raising RowError to refuse it), and
    `write` the items in batches. `write` must only touch the database and return what it
    did: it runs inside a transaction that is rolled back (and retried row by row) if the
    database refuses the batch. `on_header` receives the known columns of the header."""
    report = ImportReport()
    stream = open_text(source)
    try:
        rows = read_rows(stream, required=required, optional=optional, report=report)
        first = next(rows, None)  # reads (and checks) the header
        if on_header is not None:
            on_header(report.columns)
        batch: list[Row] = []
        pending = [first] if first is not None else []
        for line, values in _chain(pending, rows):
            if isinstance(values, RowError):
                report.reject(line, str(values))
                continue
            try:
                batch.append(Row(line, parse(line, values)))
            except RowError as exc:
                report.reject(line, str(exc))
                continue
            if len(batch) >= batch_size:
                _flush(batch, write, report)
                batch = []
        if batch:
            _flush(batch, write, report)
    finally:
        if isinstance(source, (str, Path)):
            stream.close()
    report.rejected.sort(key=lambda rejection: rejection.line)
    return report


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


def _apply(result: BatchResult, report: ImportReport) -> None:
    report.created += result.created
    report.updated += result.updated
    for rejection in result.rejected:
        report.reject(rejection.line, rejection.reason)


def _flush(batch: list[Row], write: Callable[[list[Row]], BatchResult], report: ImportReport):
    try:
        with transaction.atomic():
            result = write(batch)
    except DatabaseError:
        for row in batch:
            try:
                with transaction.atomic():
                    result = write([row])
            except DatabaseError as exc:
                report.reject(row.line, _database_reason(exc))
            else:
                _apply(result, report)
    else:
        _apply(result, report)


def in_chunks(values: Sequence[Any], size: int | None = None) -> Iterable[Sequence[Any]]:
    """Slices small enough for an IN (...) list on every backend."""
    size = size or (connection.features.max_query_params or 2000)
    for start in range(0, len(values), size):
        yield values[start:start + size]


# --- Cell parsers -----------------------------------------------------------------------

def text(value: str, *, max_length: int, label: str, required: bool = False) -> str:
    cleaned = normalize_name(value)
    if required and not cleaned:
        raise RowError(_("Thiếu %s.") % label)
    if len(cleaned) > max_length:
        raise RowError(_("%(label)s dài quá %(max)d ký tự.") % {"label": label, "max": max_length})
    return cleaned


_TRUE = {"1", "true", "yes", "y", "x", "co", "dung"}
_FALSE = {"0", "false", "no", "n", "khong", "sai", ""}


def boolean(value: str, *, label: str, default: bool) -> bool:
    folded = fold(value)
    if not folded:
        return default
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise RowError(_("%(label)s phải là 1/0 (có/không), không phải “%(value)s”.")
                   % {"label": label, "value": value.strip()[:20]})


def province_code(value: str, known: dict[str, int], *, required: bool = False) -> int | None:
    """The id of the province with code `value` ("1" and "01" both mean Hà Nội)."""
    code = value.strip()
    if not code:
        if required:
            raise RowError(_("Thiếu mã tỉnh."))
        return None
    if code.isdigit() and len(code) <= 2:
        code = code.zfill(2)
    if code not in known:
        raise RowError(_("Mã tỉnh “%s” không có trong danh mục 34 tỉnh/thành phố.") % code[:10])
    return known[code]
