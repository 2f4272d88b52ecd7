"""Rewrite a Dockerfile with every fix the checks found: slim base, clean installs, layer order, no
secrets, a non-root user and a healthcheck (and a multi-stage split for Python, see multistage.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfpilot.evidence.models import DockerInstruction
from perfpilot.skills.container_image.build_settings import is_secret_setting, settings
from perfpilot.skills.container_image.dependencies import copies_whole_context
from perfpilot.skills.container_image.dockerfile_model import named, parse_from, stage_from
from perfpilot.skills.container_image.facts import ImageFacts
from perfpilot.skills.container_image.image_data import NON_ROOT_UID
from perfpilot.skills.container_image.lint_layers import plan_reorder
from perfpilot.skills.container_image.run_fixes import fix_run, has_apt, is_update_only, render_run
from perfpilot.skills.container_image.service_protocol import GRPC_PROBE, ServiceProtocol, has_grpc_probe

_ROOT = re.compile(r"^(root|0)(:(root|0))?$")
_REMOTE = re.compile(r"\bhttps?://", re.IGNORECASE)
_ARCHIVES = (
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".tar.zst",
    ".gz",
    ".bz2",
    ".xz",
)
_WRITABLE = re.compile(r"^/(?:var|srv|data|tmp)/\S+/[^/\s]+$")


@dataclass(frozen=True)
class RuntimeOptions:
    """What the final stage's healthcheck probes, and over which protocol."""

    ready_path: str
    protocol: ServiceProtocol = "http"


def _resolved(ins: DockerInstruction, facts: ImageFacts) -> str:
    """The FROM's image with ARG defaults substituted (dockerfile-parse), '' when not known."""
    for index, stage in enumerate(facts.stages):
        if stage and ins in stage and index < len(facts.resolved):
            return facts.resolved[index]
    return ""


def lean_arg(facts: ImageFacts) -> tuple[str, str] | None:
    """(ARG name, lean image) when the final FROM names a variable whose default is a full image."""
    base, line = facts.base, facts.final_from
    if base is None or base.is_lean or not base.lean_image or line is None:
        return None
    origin = next((i for i in facts.dockerfile.instructions if i.line == line.line), None)
    match = re.search(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)", origin.arguments) if origin else None
    return (match.group(1), base.lean_image) if match else None


def _from_line(ins: DockerInstruction, facts: ImageFacts, final: bool) -> list[str]:
    line = parse_from(ins, _resolved(ins, facts))
    out = []
    image = line.image
    words = [w for w in ins.arguments.split() if not w.startswith("--")]
    if words and "$" in words[0]:
        image = words[0]  # ARG-driven: the ARG's default is rewritten instead
    base = facts.base
    if (
        final
        and base
        and not base.is_lean
        and base.lean_image
        and facts.final_from
        and (facts.final_from.image == line.image)
        and image == line.image
    ):
        image = base.lean_image
    aliases = {f.alias.lower() for st in facts.stages if (f := stage_from(st)) and f.alias}
    if not line.pinned and "$" not in line.image and line.image.lower() not in {"scratch", *aliases}:
        out.append("# perfpilot: pin this base image to a version tag or an @sha256 digest")
    flags = [w for w in ins.arguments.split() if w.startswith("--")]
    alias = f" AS {line.alias}" if line.alias else ""
    out.append(" ".join(["FROM", *flags, image]) + alias)
    return out


def _settings_line(ins: DockerInstruction, facts: ImageFacts) -> list[str]:
    """An ENV/ARG line with every secret value (by name or by shape) replaced by a `${NAME}` placeholder,
    and the default of the ARG the final FROM uses switched to the lean image."""
    kind = ins.instruction.upper()
    pairs = settings(kind, ins.arguments)
    lean = lean_arg(facts)
    if kind == "ARG" and lean and any(name == lean[0] and value for name, value in pairs):
        pairs = [(n, lean[1] if n == lean[0] else v) for n, v in pairs]
        return [f"ARG {' '.join(n if v is None else f'{n}={v}' for n, v in pairs)}"]
    secret = [name for name, value in pairs if is_secret_setting(name, value)]
    if not secret:
        return [f"{kind} {ins.arguments}"]
    words = []
    for name, value in pairs:
        if name not in secret:
            words.append(name if value is None else f"{name}={value}")
        elif kind == "ENV":  # a placeholder filled at run time; the value never stays in the file
            words.append(f"{name}=${{{name}}}")
    out = [
        f"# perfpilot: removed the value of {kind} {', '.join(secret)}; pass it at run time or with "
        "RUN --mount=type=secret"
    ]
    if words:
        out.append(f"{kind} {' '.join(words)}")
    return out


def _writable_dirs(stage: list[DockerInstruction]) -> list[str]:
    """Parent folders of absolute data/log paths the start command names (the non-root user writes there)."""
    dirs: list[str] = []
    for ins in named(stage, "CMD", "ENTRYPOINT"):
        for word in re.findall(r"[^\s\"',\[\]]+", ins.arguments):
            if _WRITABLE.match(word):
                folder = word.rsplit("/", 1)[0]
                dirs.extend([folder] if folder not in dirs else [])
    return dirs


def _grpc_healthcheck(facts: ImageFacts, ports: list[str]) -> list[str]:
    if not ports or not has_grpc_probe(facts.dockerfile.instructions):
        return [
            f"# perfpilot: gRPC service: add {GRPC_PROBE} to the image and a HEALTHCHECK running it "
            "(an HTTP probe would always fail)"
        ]
    probe = f'["{GRPC_PROBE}", "-addr=127.0.0.1:{ports[0]}"]'
    return [f"HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD {probe}"]


def _healthcheck(facts: ImageFacts, stage: list[DockerInstruction], options: RuntimeOptions) -> list[str]:
    ports = [w.split("/")[0] for e in named(stage, "EXPOSE") for w in e.arguments.split()]
    if options.protocol == "grpc":
        return _grpc_healthcheck(facts, ports)
    runtime = facts.base.base.runtime if facts.base else ""
    if not ports or not runtime:
        return ["# perfpilot: add a HEALTHCHECK that probes the service's ready endpoint"]
    url = f"http://127.0.0.1:{ports[0]}{options.ready_path}"
    if runtime == "python":
        probe = f'["python", "-c", "import urllib.request; urllib.request.urlopen(\'{url}\', timeout=2)"]'
    else:
        probe = (
            f'["node", "-e", "require(\'http\').get(\'{url}\', r => process.exit(r.statusCode < 400 ? 0 : 1))'
            ".on('error', () => process.exit(1))\"]"
        )
    return [f"HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 CMD {probe}"]


def _runtime_block(facts: ImageFacts, stage: list[DockerInstruction], options: RuntimeOptions) -> list[str]:
    out: list[str] = []
    users = named(stage, "USER")
    if not users or _ROOT.match(users[-1].arguments.strip()):
        dirs = _writable_dirs(stage)
        if dirs:
            out.append(
                f"RUN mkdir -p {' '.join(dirs)} && chown {NON_ROOT_UID}:{NON_ROOT_UID} {' '.join(dirs)}"
            )
        out.append(f"USER {NON_ROOT_UID}:{NON_ROOT_UID}")
    if not named(stage, "HEALTHCHECK"):
        out.extend(_healthcheck(facts, stage, options))
    return out


def _plain_copy(arguments: str) -> bool:
    """ADD of local files that are no archive: COPY does the same without ADD's extraction and download
    (hadolint DL3020)."""
    if arguments.lstrip().startswith("[") or "<<" in arguments:
        return False
    words = [w for w in arguments.split() if not w.startswith("--")]
    sources = words[:-1]
    return bool(sources) and not any(_REMOTE.search(w) or w.endswith(_ARCHIVES) or "$" in w for w in sources)


def _order(stage: list[DockerInstruction]) -> list[DockerInstruction | str]:
    """The stage with dependency RUNs moved ahead of the source COPY, behind a COPY of their manifests."""
    reorder = plan_reorder(stage)
    if reorder is None:
        return list(stage)
    moved = {id(r) for r in reorder.moved}
    ordered: list[DockerInstruction | str] = []
    for ins in stage:
        if id(ins) in moved:
            continue
        if ins is reorder.copy:
            if reorder.manifests:
                ordered.append(f"COPY {' '.join(reorder.manifests)} ./")
            ordered.extend(reorder.moved)
        ordered.append(ins)
    return ordered


def rewrite_stage(
    stage: list[DockerInstruction], facts: ImageFacts, final: bool, options: RuntimeOptions
) -> list[str]:
    """One stage's lines with the fixes applied."""
    ordered = _order(stage)
    out: list[str] = []
    merge_update = False
    block_done = not final
    for index, item in enumerate(ordered):
        if isinstance(item, str):
            out.append(item)
            continue
        kind = item.instruction.upper()
        if kind == "RUN" and is_update_only(item.arguments):
            following = next((i for i in ordered[index + 1 :] if not isinstance(i, str)), None)
            if (
                following is not None
                and following.instruction.upper() == "RUN"
                and has_apt(following.arguments)
            ):
                merge_update = True
                continue
        if kind in ("CMD", "ENTRYPOINT") and not block_done:
            out.extend(_runtime_block(facts, stage, options))
            block_done = True
        if kind == "FROM":
            out.extend(_from_line(item, facts, final))
        elif kind in ("ENV", "ARG"):
            out.extend(_settings_line(item, facts))
        elif kind == "RUN":
            out.append(render_run(fix_run(item.arguments, prepend_update=merge_update)))
            merge_update = False
        elif kind == "ADD" and _plain_copy(item.arguments):
            out.append(f"COPY {item.arguments}")
        elif kind == "ADD" and _REMOTE.search(item.arguments) and "--checksum" not in item.arguments:
            out.append("# perfpilot: verify this download: ADD --checksum=sha256:<digest> <url> <dest>")
            out.append(f"ADD {item.arguments}")
        else:
            out.append(f"{kind} {item.arguments}")
    if not block_done:
        out.extend(_runtime_block(facts, stage, options))
    return out


def copies_source(stage: list[DockerInstruction]) -> bool:
    return any(copies_whole_context(i) for i in stage)
