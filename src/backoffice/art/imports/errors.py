"""What is wrong with a file, as a catalog message with its values kept apart."""

from __future__ import annotations

from backoffice.errors import N_


class BadFile(ValueError):
    """A file that cannot become a page. `msgid` is an English catalog message; the
    file's name is added by whoever reports it, beside the message."""

    def __init__(self, msgid: str, **params: object) -> None:
        super().__init__(msgid % params if params else msgid)
        self.msgid = msgid
        self.params = params


# Every message a file can get, in one place (and in the catalogs).
EMPTY = N_("The file is empty.")
UNKNOWN_FORMAT = N_("This is not a PNG, JPEG, WebP, TIFF, PDF or SVG file, nor a zip of them.")
CORRUPT = N_("The image is damaged or incomplete (%(detail)s).")
TOO_MANY_PIXELS = N_("The image is too large to open safely: %(megapixels)s megapixels, "
                     "the limit is %(limit)s.")
TOO_SMALL = N_("The image is far too small for this book: %(width)s × %(height)s pixels would "
               "print at %(dpi)s DPI; at least %(min_dpi)s are needed.")
TOO_MANY_PAGES = N_("The file has %(count)s pages; at most %(limit)s are taken at once.")
FILE_TOO_LARGE = N_("The file is larger than the %(limit)s MB allowed.")
PDF_UNREADABLE = N_("The PDF cannot be read (damaged or password-protected).")
PDF_EMPTY = N_("The PDF has no pages.")
SVG_UNREADABLE = N_("The SVG cannot be read: %(detail)s.")
SVG_EXTERNAL = N_("The SVG refers to something outside itself (%(reference)s); only "
                  "self-contained drawings are accepted.")
SVG_SCRIPT = N_("The SVG contains a script or an event handler (%(what)s); it is refused.")
SVG_ENTITIES = N_("The SVG declares entities or a document type; it is refused.")
TOO_MANY_FILES = N_("More than %(limit)s files at once.")
ZIP_DAMAGED = N_("The zip archive is damaged.")
ZIP_ENCRYPTED = N_("The zip archive is encrypted.")
ZIP_OUTSIDE = N_("The zip archive holds a path that leads outside it (%(path)s).")
ZIP_TOO_MANY = N_("The zip archive holds more than %(limit)s files.")
ZIP_TOO_LARGE = N_("The zip archive expands to more than %(limit)s MB.")
ZIP_NESTED = N_("A zip inside a zip is not opened.")
ZIP_NO_IMAGES = N_("The zip archive holds no file to import.")
