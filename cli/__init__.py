"""`da`, the analysts' command line: search, show, stats, export, db."""
