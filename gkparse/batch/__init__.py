"""Batch conversion of files, folders and WARC archives to JSON Lines and tidy tables."""

from __future__ import annotations
from .convert import Job, Result, Stats, FORMATS, ARCHIVE_SUFFIXES, DOCUMENT_SUFFIXES, format_for, expand_inputs, iter_jobs, process_job, run_jobs, read_resume, convert, convert_paths

__all__ = ["Job", "Result", "Stats", "FORMATS", "ARCHIVE_SUFFIXES", "DOCUMENT_SUFFIXES", "format_for", "expand_inputs", "iter_jobs", "process_job", "run_jobs", "read_resume", "convert", "convert_paths"]
