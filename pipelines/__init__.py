"""Item pipelines, one concern per module, in the order they run: clean → validate → store."""
