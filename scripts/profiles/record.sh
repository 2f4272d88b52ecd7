#!/usr/bin/env bash
# Record the real-profiler fixtures under tests/fixtures/profiles/ (run from the repository root):
#   py_spy_busy.txt  py-spy 0.4 (PyPI `py-spy`, the `profile` extra) sampling scripts/profiles/py_busy.py,
#                    collapsed stacks (`--format raw`), 100 samples/s, Python 3.11
#   go_cpu.pb.gz     Go 1.19 (Debian golang-go) runtime/pprof CPU profile of scripts/profiles/go_cpu/main.go
set -euo pipefail
out=tests/fixtures/profiles
.venv/bin/py-spy record --format raw --rate 100 --output "$out/py_spy_busy.txt" -- \
  .venv/bin/python scripts/profiles/py_busy.py 3
(cd scripts/profiles/go_cpu && go run -trimpath main.go -out "../../../$out/go_cpu.pb.gz" -seconds 3)
