"""The figures registry: every number a leader reads, declared once (see ``registry``)."""
