"""Adopting the previous system's database (nash-team/backoffice) inside `db migrate`.

detect: what the database is, read-only (also for `db status`); adopt: the one
transaction; import_books / pages: its books into ours; summary: what was done, in words.
Imports models, storage and art, never web code.
"""

from backoffice.adoption.adopt import Outcome, migrate_database
from backoffice.adoption.detect import AdoptionRefused, Survey, describe, survey, survey_url
from backoffice.adoption.summary import summary_lines

__all__ = ["AdoptionRefused", "Outcome", "Survey", "describe", "migrate_database",
           "summary_lines", "survey", "survey_url"]
