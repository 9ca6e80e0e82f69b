"""Views for people: search, Datasette, the highlight page, charts and the terminal report.
"""
