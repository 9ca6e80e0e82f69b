"""The pipeline: read pages into bulletins, store them as tables, audit them, and show them.

Rooms, bottom up: ``records`` and ``errors``; ``read`` (bytes → Bulletin); ``store`` (tables,
search index); ``audit`` (task links, series, checks); ``views`` (search, serve, show,
charts, report); ``build`` (the whole flow for a corpus); ``cli`` and ``commands`` on top.
"""
