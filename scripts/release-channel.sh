#!/usr/bin/env bash
# Where a release tag goes, as GITHUB_OUTPUT lines. Used by .github/workflows/release.yml.
#   vX.Y.Z        the newest release: npm dist-tag `latest`, moves `vX`, the GitHub release
#                 marked latest. A patch of an older line (v1.4.1 after v1.5.0 or v2.0.0): npm
#                 dist-tag `maintenance`; `vX` moves only when it is still the newest of its major.
#   vX.Y.Z-<pre>  npm dist-tag `next`, moves nothing, a GitHub prerelease.
# Needs the repository's tags (checkout with fetch-depth: 0).
set -euo pipefail
tag=${1:?usage: scripts/release-channel.sh vX.Y.Z[-prerelease]}

if [[ ! $tag =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?$ ]]; then
  echo "release-channel: '$tag' is not a release tag (vX.Y.Z or vX.Y.Z-<prerelease>)" >&2
  exit 1
fi
major="v${BASH_REMATCH[1]}"
prerelease=${BASH_REMATCH[4]}

# The newest stable release tag matching a glob, in version order (a prerelease never counts).
newest() { git tag --list "$1" | grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' | sort -V | tail -n 1; }

echo "version=${tag#v}"
echo "major=$major"
if [ -n "$prerelease" ]; then
  echo "prerelease=true"
  echo "dist-tag=next"
  echo "move-major=false"
  echo "latest=false"
  exit 0
fi
echo "prerelease=false"
# An older line's patch (v1.4.1 after v2.0.0) must not take `latest` or move `v1` backwards.
newest_overall=$(newest 'v*')
newest_of_major=$(newest "$major.*")
if [ "$tag" = "$newest_overall" ] || [ -z "$newest_overall" ]; then
  echo "dist-tag=latest"
  echo "latest=true"
else
  echo "dist-tag=maintenance"
  echo "latest=false"
fi
if [ "$tag" = "$newest_of_major" ] || [ -z "$newest_of_major" ]; then
  echo "move-major=true"
else
  echo "move-major=false"
fi
