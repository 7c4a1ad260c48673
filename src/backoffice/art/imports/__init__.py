"""Bringing one's own art in: user files (images, PDFs, SVGs, zips of them) checked,
decoded and turned into print-ready 1-bit pages.

Pure: no web, no database. `files` checks and decodes one file, `svg` refuses unsafe SVGs
and renders safe ones, `archive` opens zips without trusting them, `page` makes the page
(photo → lines when asked, clean-up, fitting, the gate's verdict). Every refusal is a
`BadFile` carrying a catalog message, so whoever shows it says it in the reader's language.
"""
