"""The composite GitHub Action of perfpilot's own repository, and the `uses:` forms a target may name instead.

`action.yml` sits at the root of perfpilot's repository, so `OWNER/REPO@REF` of that repository runs it.
ACTION_REF is that reference for perfpilot's repository on GitHub (perfpilot/perfpilot, branch main); a
target's `ci.action` replaces it (a fork, a mirror, a release tag or commit pinned for reproducible CI, or
`./` when the workflow lives in perfpilot's repository itself)."""

from __future__ import annotations

import re

ACTION_REPOSITORY = "perfpilot/perfpilot"
ACTION_REF = f"{ACTION_REPOSITORY}@main"
ACTION_USES = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?/[A-Za-z0-9._-]+(?:/[A-Za-z0-9._-]+)*@[A-Za-z0-9._/-]+"
    r"|\./(?:[A-Za-z0-9._-]+/?)*"
)
"""GitHub's `uses:` forms for an action in a repository or in the workflow's own checkout."""
