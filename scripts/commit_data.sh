#!/usr/bin/env bash
# Commit data/ (the archive of record) and content/ (the articles) after a publish run and push them.
#   - nothing changed: no commit, exit 0;
#   - the push lost a race: fetch, rebase onto the remote branch and try again (a few times);
#   - a rebase conflict (someone edited the same record by hand): abort cleanly and fail loudly.
# Writes changed=true|false and sha=<commit to build> to $GITHUB_OUTPUT when it is set.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
cd "$(git rev-parse --show-toplevel)"

REMOTE="${BRIEFING_GIT_REMOTE:-origin}"
BRANCH="${BRIEFING_GIT_BRANCH:-${GITHUB_REF_NAME:-$(git rev-parse --abbrev-ref HEAD)}}"
ATTEMPTS="${BRIEFING_PUSH_ATTEMPTS:-5}"
export GIT_AUTHOR_NAME="${BRIEFING_GIT_NAME:-github-actions[bot]}"
export GIT_AUTHOR_EMAIL="${BRIEFING_GIT_EMAIL:-41898282+github-actions[bot]@users.noreply.github.com}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"

output() { if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >>"$GITHUB_OUTPUT"; fi; }

paths=()
for dir in data content; do [ -d "$dir" ] && paths+=("$dir"); done
[ ${#paths[@]} -gt 0 ] && git add -A -- "${paths[@]}"

# Run times alone (the collector's last_run / last_ok) are no reason for a commit.
if git diff --cached --quiet || "${PYTHON:-python3}" "$HERE/state_changes.py"; then
  git diff --cached --quiet || echo "commit: only run times changed in data/state/"
  git restore --staged -- "${paths[@]}" 2>/dev/null || true
  echo "commit: nothing changed in data/ or content/ — no commit"
  output "changed=false"
  output "sha=$(git rev-parse HEAD)"
  exit 0
fi

records=$(git diff --cached --name-only --diff-filter=A -- data/releases | wc -l)
articles=$(git diff --cached --name-only -- content | wc -l)
stat=$(git diff --cached --shortstat)
subject="Archive: ${records// /} new release record(s), ${articles// /} article file(s) [skip ci]"
# The commit is made from the index as git add left it (what `git commit --no-verify` would commit):
# `git commit` first checks every file of the work tree against the index again, 75,000 at a year.
parent=$(git rev-parse --quiet --verify HEAD || true)
commit=$(git commit-tree "$(git write-tree)" ${parent:+-p "$parent"} \
  -m "$subject" -m "Written by the scheduled publish run:${stat}")
git update-ref -m "commit: $subject" HEAD "$commit" "$parent"

for attempt in $(seq 1 "$ATTEMPTS"); do
  if git push --quiet "$REMOTE" "HEAD:refs/heads/$BRANCH"; then
    sha=$(git rev-parse HEAD)
    echo "commit: pushed $sha to $REMOTE/$BRANCH (${records// /} new records)"
    output "changed=true"
    output "sha=$sha"
    exit 0
  fi
  echo "commit: push rejected (attempt $attempt/$ATTEMPTS); rebasing onto $REMOTE/$BRANCH" >&2
  git fetch --quiet "$REMOTE" "$BRANCH"
  if ! git rebase --quiet FETCH_HEAD; then
    git rebase --abort || true
    echo "commit: conflict while rebasing onto $REMOTE/$BRANCH — someone changed the same files; resolve by hand" >&2
    exit 1
  fi
  sleep $((attempt * 2))
done
echo "commit: could not push after $ATTEMPTS attempts" >&2
exit 1
