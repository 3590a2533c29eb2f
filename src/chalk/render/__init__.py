"""Stage 6: the site model -> page bytes through one Jinja2 environment.

:mod:`~chalk.render.context` is the ``site`` variable templates see; :mod:`~chalk.render.tracking`
records what each page's render reads, so a rebuild renders only pages whose inputs changed;
:mod:`~chalk.render.pages` makes the environment and renders every page.
"""

from .context import SiteContext, site_context
from .pages import (RenderedPages, format_date, isodate, make_environment, render_all, render_item, settle,
                    template_files, template_folders)
from .tracking import TrackingEnvironment, object_key

__all__ = ["RenderedPages", "SiteContext", "TrackingEnvironment", "format_date", "isodate", "make_environment",
           "object_key", "render_all", "render_item", "settle", "site_context", "template_files",
           "template_folders"]
