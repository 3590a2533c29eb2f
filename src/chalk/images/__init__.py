"""Images: responsive variants (AVIF, WebP and the original format), page-bundle resources,
social cards and the zoom markup, between the model (5) and rendering (6).

settings.py reads ``images:`` from site.yaml (no Pillow needed); variants.py and cards.py do
the Pillow work (in worker processes, cached under ``.chalk-cache/images/``); html.py rewrites
``<img>`` into ``<picture>``; publish.py ties them together for one build.
"""
