"""Batch conversion of files, folders and WARC archives to JSON Lines and tidy tables.

:mod:`.sources` (inputs → jobs), :mod:`.run` (job → result; executors), :mod:`.pipeline`
(the whole batch, resume, the output locks). The output formats live in
:mod:`gkparse.export.writers`. Each input runs in a worker process with a time budget
(:data:`INPUT_TIMEOUT`) and a memory limit (:data:`WORKER_MEMORY_LIMIT`).
"""

from __future__ import annotations

from .pipeline import Stats, convert, read_resume
from .run import (
    INPUT_TIMEOUT,
    RETRIED_ON_RESUME,
    WORKER_MEMORY_LIMIT,
    ErrorInfo,
    ErrorRecord,
    Executor,
    ProcessExecutor,
    Result,
    SerialExecutor,
    process_job,
)
from .sources import (
    ARCHIVE_SUFFIXES,
    DOCUMENT_SUFFIXES,
    FORM_SUFFIXES,
    SKIP_REASONS,
    Job,
    expand_inputs,
    iter_archive,
    iter_file,
    iter_jobs,
    looks_like_report,
    sniff_form,
)

__all__ = [
    "convert",
    "Stats",
    "read_resume",
    "Job",
    "expand_inputs",
    "iter_jobs",
    "iter_archive",
    "iter_file",
    "looks_like_report",
    "sniff_form",
    "ARCHIVE_SUFFIXES",
    "DOCUMENT_SUFFIXES",
    "FORM_SUFFIXES",
    "SKIP_REASONS",
    "Result",
    "process_job",
    "ErrorInfo",
    "ErrorRecord",
    "Executor",
    "SerialExecutor",
    "ProcessExecutor",
    "INPUT_TIMEOUT",
    "WORKER_MEMORY_LIMIT",
    "RETRIED_ON_RESUME",
]
