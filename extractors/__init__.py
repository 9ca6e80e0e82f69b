"""Text in, claims out: numerals, the count grammar, and what each count is about. Sees no
HTML, no files, nothing of ``pipeline``.
"""
