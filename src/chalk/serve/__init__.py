"""``chalk serve``: the live-reload preview server.

:mod:`~chalk.serve.preview` builds the site in memory and swaps in each complete rebuild,
:mod:`~chalk.serve.server` answers HTTP on loopback from it (and streams its changes),
:mod:`~chalk.serve.changes` tells which pages, stylesheets and assets a rebuild changed,
:mod:`~chalk.serve.watch` turns file events into one rebuild per burst,
:mod:`~chalk.serve.indexer` makes the search index in the background, and
``reload.js`` is the browser side (Server-Sent Events, in-place page updates,
the error overlay).
"""

from .server import make_server, run

__all__ = ["make_server", "run"]
