"""Bringing one's own art: pages uploaded to a book, and books made from a folder of
images (web, API and CLI). The files are checked and stored in the request; the pages are
made by the generation jobs (features/generation/uploaded.py)."""

from __future__ import annotations

import re

# The routes that take files: they get BACKOFFICE_MAX_UPLOAD_MB instead of the app's
# body limit (features/accounts/middleware.py).
UPLOAD_PATHS = re.compile(r"/(api/)?ebooks/(\d+/pages/upload|import)")
