"""One run, prepared and executed: the CLI, chat, demo, evals and servers all come through here."""
