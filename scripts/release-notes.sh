#!/usr/bin/env bash
# Prints the CHANGELOG.md section of a version (`## [1.2.3]` up to the next `## `), the body of its
# GitHub release. Fails when the section is missing: every release has its changelog entry.
set -euo pipefail
version=${1:?usage: scripts/release-notes.sh 1.2.3}
version=${version#v}
notes=$(awk -v heading="## [$version]" '
  index($0, heading) == 1 { found = 1; next }
  found && /^## / { exit }
  found { print }
' "$(dirname "$0")/../CHANGELOG.md")
if [ -z "$(printf '%s' "$notes" | tr -d '[:space:]')" ]; then
  echo "release-notes: CHANGELOG.md has no section '## [$version]'" >&2
  exit 1
fi
printf '%s\n' "$notes"
