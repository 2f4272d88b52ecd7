"""The perfpilot command line: run, validate, graph, skills, db, eval, schema."""
