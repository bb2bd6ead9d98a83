#!/usr/bin/env bash
# Publishes gitlab-components/ as its own GitLab project (the CI/CD component project).
#
#   scripts/publish-gitlab-components.sh [--project-path GROUP/PROJECT] [--out DIR]
#                                        [--push GIT_URL [--branch BRANCH] [--tag] [--allow-dirty]]
#
# Stages the project into DIR (default: a temporary folder): gitlab-components/ (templates/, README.md,
# LICENSE.md, .gitlab-ci.yml, runner/Dockerfile, selftest/) plus the CLI package the runner image is
# built from (runner/cli/: package.json, bin/, dist/). With --project-path, the runner image default
# and the examples name that project instead of platform/golden-actions. With --push, commits the
# staged tree on top of BRANCH (default main) of GIT_URL and pushes it (never forced); --tag also
# creates and pushes the version tag from package.json (e.g. 1.0.0): the release step. That tag's
# pipeline builds and tests the runner image of the commit, tags it runner:<version> and creates the
# Catalog release, so the git tag, the release and the image come together.
#
# Run `npm run build` first: templates/ and dist/ must be the ones of this commit.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
default_path=platform/golden-actions

project_path=$default_path out="" push_url="" branch=main tag=false allow_dirty=false
while (($#)); do
  case "$1" in
    --project-path) project_path="${2:?--project-path needs a value}"; shift 2 ;;
    --out) out="${2:?--out needs a value}"; shift 2 ;;
    --push) push_url="${2:?--push needs a git URL}"; shift 2 ;;
    --branch) branch="${2:?--branch needs a value}"; shift 2 ;;
    --tag) tag=true; shift ;;
    --allow-dirty) allow_dirty=true; shift ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "publish-gitlab-components: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if ! [[ $project_path =~ ^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)+$ ]]; then
  echo "publish-gitlab-components: --project-path must look like group/project (got '$project_path')" >&2
  exit 2
fi

cd "$root"
version="$(node -p 'require("./package.json").version')"
[ -f dist/cli/index.js ] || { echo "publish-gitlab-components: dist/ is missing; run 'npm run build'" >&2; exit 1; }
for template in gitlab-components/templates/*.yml; do
  # Templates run the runner image of the version they are included at; an older generator baked one in.
  grep -qF ':$[[ component.version ]]' "$template" || {
    echo "publish-gitlab-components: $template does not run the runner image of its version; run 'npm run build'" >&2
    exit 1
  }
done
if [ -n "$push_url" ] && [ "$allow_dirty" = false ] && git rev-parse --git-dir >/dev/null 2>&1; then
  if [ -n "$(git status --porcelain -- gitlab-components dist bin package.json)" ]; then
    echo "publish-gitlab-components: gitlab-components/, dist/ or package.json have uncommitted changes (--allow-dirty to publish anyway)" >&2
    exit 1
  fi
fi

if [ -z "$out" ]; then
  out="$(mktemp -d "${TMPDIR:-/tmp}/golden-actions-components.XXXXXX")"
fi
mkdir -p "$out"
rsync -a --delete --exclude=.git --exclude=runner/cli gitlab-components/ "$out/"
rm -rf "$out/runner/cli"
mkdir -p "$out/runner/cli"
cp -R bin dist "$out/runner/cli/"
node -e '
  const pkg = require("./package.json");
  const keep = ["name", "version", "description", "license", "type", "bin", "engines"];
  const out = Object.fromEntries(keep.filter((k) => k in pkg).map((k) => [k, pkg[k]]));
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
' >"$out/runner/cli/package.json"

if [ "$project_path" != "$default_path" ]; then
  # Runner image default ($CI_REGISTRY/<path>/runner:<version>), include examples, docs.
  PROJECT_PATH="$project_path" DEFAULT_PATH="$default_path" node -e '
    const fs = require("node:fs");
    const [dir, ...files] = process.argv.slice(1);
    for (const file of files) {
      const path = `${dir}/${file}`;
      const text = fs.readFileSync(path, "utf8");
      fs.writeFileSync(path, text.split(process.env.DEFAULT_PATH).join(process.env.PROJECT_PATH));
    }
  ' "$out" README.md $(cd "$out" && ls templates/*.yml)
fi
echo "publish-gitlab-components: staged $project_path $version in $out" >&2

[ -n "$push_url" ] || { echo "$out"; exit 0; }

source_sha="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
work="$(mktemp -d "${TMPDIR:-/tmp}/golden-actions-publish.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if git ls-remote --exit-code --heads "$push_url" "$branch" >/dev/null 2>&1; then
  git clone --quiet --branch "$branch" --single-branch "$push_url" "$work/repo"
else
  git init --quiet --initial-branch "$branch" "$work/repo"
  git -C "$work/repo" remote add origin "$push_url"
fi
find "$work/repo" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
rsync -a "$out/" "$work/repo/"
git -C "$work/repo" add -A
if git -C "$work/repo" diff --cached --quiet 2>/dev/null && git -C "$work/repo" rev-parse -q --verify HEAD >/dev/null; then
  echo "publish-gitlab-components: $branch already holds this content" >&2
else
  git -C "$work/repo" -c user.name="${GIT_AUTHOR_NAME:-golden-actions publisher}" \
    -c user.email="${GIT_AUTHOR_EMAIL:-golden-actions@users.noreply.github.com}" \
    commit --quiet -m "golden-actions components $version" -m "From golden-actions $source_sha."
fi
git -C "$work/repo" push --quiet origin "HEAD:refs/heads/$branch"
if [ "$tag" = true ]; then
  head="$(git -C "$work/repo" rev-parse HEAD)"
  remote_tag="$(git ls-remote "$push_url" "refs/tags/$version" | cut -f1)"
  if [ -n "$remote_tag" ]; then
    git -C "$work/repo" fetch --quiet origin "+refs/tags/$version:refs/tags/$version"
    tagged="$(git -C "$work/repo" rev-parse "refs/tags/$version^{commit}")"
    if [ "$tagged" != "$head" ]; then
      echo "publish-gitlab-components: tag $version already exists on another commit; bump package.json's version" >&2
      exit 1
    fi
    echo "publish-gitlab-components: tag $version already published" >&2
  else
    git -C "$work/repo" tag -a "$version" -m "golden-actions components $version"
    git -C "$work/repo" push --quiet origin "refs/tags/$version"
  fi
fi
echo "publish-gitlab-components: pushed $version to $push_url ($branch)" >&2
