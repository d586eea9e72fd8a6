"""Spiders: which URL next, and which parser for it. Parsing lives in spiders/pages/."""
