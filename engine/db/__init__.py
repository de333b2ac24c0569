"""Persistence: the schema, connections and migrations. Only engine/ talks SQL."""
