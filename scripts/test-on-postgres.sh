#!/usr/bin/env bash
# The end-to-end tests (every tests/*.rs that uses tests/common/mod.rs) again, each test's
# database a schema of its own on the PostgreSQL server PROMPTLY_TEST_PG names. `.ci/run`
# runs it after `cargo test`; tests about the database file itself say SKIPPED (--nocapture
# shows those lines). Extra arguments go to cargo test (e.g. -- --nocapture).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PROMPTLY_TEST_PG:-}" ]; then
  echo "PROMPTLY_TEST_PG is not set: name a PostgreSQL server (see README, Tests)" >&2
  exit 2
fi
targets=()
for file in $(grep -l '^pub mod common;' tests/*.rs); do
  name=$(basename "$file" .rs)
  targets+=(--test "$name")
done
PROMPTLY_TEST_BACKEND=postgres cargo test --no-fail-fast "${targets[@]}" "$@"
