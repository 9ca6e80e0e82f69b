"""Audit: the same task across periods, its series, and the checks an auditor reads.
"""
