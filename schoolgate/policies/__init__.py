"""Policies as data: versions, verbatim clauses, procedure steps, review cycle, acknowledgements."""
