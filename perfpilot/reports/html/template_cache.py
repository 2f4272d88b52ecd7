"""The report templates' compiled code kept in perfpilot's cache folder, so a run does not compile them.

Jinja2 compiles each template to Python code on first use (~0.05 s of CPU for the report's 14). Its
bucket names the template and checks the source's checksum and Jinja2's and Python's versions, so an
edited template or another Jinja2 compiles afresh; a stored file is only handed to Jinja2 when it starts
with the header Jinja2 itself writes for this source (its checksum is a pickle: no other pickle is read).
"""

from __future__ import annotations

import pickle

from jinja2.bccache import Bucket, BytecodeCache, bc_magic

from perfpilot.cache_files import read_cached, write_cached


class TemplateCodeCache(BytecodeCache):
    """Jinja2's bytecode cache over perfpilot's cache folder (one file a template)."""

    def load_bytecode(self, bucket: Bucket) -> None:
        stored = read_cached(_file_name(bucket))
        if stored is not None and stored.startswith(bc_magic + pickle.dumps(bucket.checksum, 2)):
            bucket.bytecode_from_string(stored)

    def dump_bytecode(self, bucket: Bucket) -> None:
        write_cached(_file_name(bucket), bucket.bytecode_to_string())


def _file_name(bucket: Bucket) -> str:
    return f"template-{bucket.key}.jinja"
