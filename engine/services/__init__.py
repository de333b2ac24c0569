"""Use cases, one module per concern; each takes the context and owns its transaction."""
