"""Storage: the dataset tables, records ↔ rows, the search index, the schema doc and the rules'
version.
"""
