"""``chalk serve``: the live-reload preview server.

:mod:`~chalk.serve.server` builds the site in memory and answers HTTP on loopback,
:mod:`~chalk.serve.changes` tells which pages, stylesheets and assets a rebuild changed,
:mod:`~chalk.serve.watch` turns file events into one rebuild per burst,
:mod:`~chalk.serve.indexer` makes the search index in the background, and
``reload.js`` is the browser side (Server-Sent Events, in-place page updates,
the error overlay).
"""

from .server import make_server, run

__all__ = ["make_server", "run"]
