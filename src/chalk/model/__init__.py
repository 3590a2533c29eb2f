"""Stage 5: the site model, built completely in memory before anything is rendered or written.

:mod:`~chalk.model.site` holds the data templates read (pages, tags, series, glossary
entries, listings, the site); :mod:`~chalk.model.build` assembles it from rendered
sources with the help of :mod:`~chalk.model.urls`, :mod:`~chalk.model.links`,
:mod:`~chalk.model.drawings`, :mod:`~chalk.model.series` and :mod:`~chalk.model.glossary`.
"""

from .build import build_site
from .drawings import Content, Drawing, fill_content, fill_slots, find_drawings
from .site import GlossaryEntry, Listing, Page, Paginator, Series, Site, Tag, Year
from .urls import absolute, output_file, url_path

__all__ = ["Content", "Drawing", "GlossaryEntry", "Listing", "Page", "Paginator", "Series", "Site", "Tag",
           "Year", "absolute", "build_site", "fill_content", "fill_slots", "find_drawings", "output_file", "url_path"]
