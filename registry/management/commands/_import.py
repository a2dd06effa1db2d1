"""Shared translation layer of the import commands: arguments in, report out."""
from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from registry.importers import ImportFileError, ImportReport


class ImportCommand(BaseCommand):
    """Run an importer on FILE.csv; print created/updated/rejected to stdout and each
    rejected line with its reason to stderr (or to --rejects FILE as CSV)."""

    importer: Callable[..., ImportReport]

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="CSV file (UTF-8, with or without BOM), header row")
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument(
            "--rejects", metavar="FILE",
            help="write the rejected lines (line,reason) to this CSV file instead of stderr",
        )

    def importer_options(self, options: dict) -> dict:
        return {}

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không tìm thấy tệp: {path}")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size phải lớn hơn 0.")
        started = time.monotonic()
        try:
            report = type(self).importer(
                path, batch_size=options["batch_size"], **self.importer_options(options)
            )
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        elapsed = time.monotonic() - started
        if report.ignored_columns:
            self.stderr.write("Bỏ qua các cột không dùng: " + ", ".join(report.ignored_columns))
        self._write_rejects(report, options.get("rejects"))
        self.stdout.write(f"{report.summary()} seconds={elapsed:.1f}")

    def _write_rejects(self, report: ImportReport, target: str | None) -> None:
        if target:
            with open(target, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["line", "reason"])
                for rejection in report.rejected:
                    writer.writerow([rejection.line, rejection.reason])
            return
        for rejection in report.rejected:
            self.stderr.write(f"dòng {rejection.line}: {rejection.reason}")
