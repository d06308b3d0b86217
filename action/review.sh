#!/usr/bin/env bash
# The review step of action.yml: validate the seed files a pull request changes (workflow
# annotations), diff the plans between the merge base and the head, and create or update the
# sticky comment(s). Needs: PLANSYNC (the plansync executable), BASE_SHA, HEAD_SHA, PR_NUMBER,
# GITHUB_REPOSITORY, GH_TOKEN; optional PLANSYNC_PATHS, MAX_COMMENT_CHARS. The checkout must
# hold both commits (actions/checkout with fetch-depth: 0).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
plansync="${PLANSYNC:-plansync}"
tmp="${RUNNER_TEMP:-$(mktemp -d)}"
read -r -a paths <<< "${PLANSYNC_PATHS:-.}"
base="$(git merge-base "$BASE_SHA" "$HEAD_SHA")"

mapfile -t changed < <(git diff --name-only --diff-filter=d "$base" "$HEAD_SHA" -- "${paths[@]}" \
    | grep -E '\.seed\.(json|ya?ml)$' || true)
valid=0
if [ ${#changed[@]} -gt 0 ]; then
    "$plansync" validate --format github -- "${changed[@]}" || valid=$?
fi

set +e
"$plansync" diff "$base" "$HEAD_SHA" --format markdown-json \
    --max-comment-chars "${MAX_COMMENT_CHARS:-65536}" -- "${paths[@]}" \
    > "$tmp/plansync-comments.json" 2> "$tmp/plansync-diff.err"
code=$?
set -e
cat "$tmp/plansync-diff.err" >&2
if [ "$code" -gt 1 ]; then  # not a diff: an invalid plan (2) or an error
    python3 "$here/comment.py" failed "$tmp/plansync-diff.err" > "$tmp/plansync-comments.json"
fi
python3 "$here/comment.py" post --repo "$GITHUB_REPOSITORY" --pr "$PR_NUMBER" \
    "$tmp/plansync-comments.json"
if [ "$valid" -ne 0 ] || [ "$code" -gt 1 ]; then
    exit 1
fi
