"""Reading: inputs → Page → Bulletin (decode, HTML to text, chrome, metadata, tally,
sections, statuses, counts).
"""
