#!/usr/bin/env bash
# The sync step of action.yml (pushes to the main branch): `plansync sync` against the team
# instance (PLANSYNC_INSTANCE, token in PLANSYNC_TOKEN), the per-program summary appended to
# the job summary ($GITHUB_STEP_SUMMARY), and the step failing when sync refused something
# (drift or a conflict: the three-way view is in the summary) or could not run.
set -uo pipefail
plansync="${PLANSYNC:-plansync}"
tmp="${RUNNER_TEMP:-$(mktemp -d)}"
read -r -a paths <<< "${PLANSYNC_PATHS:-.}"
if [ -z "${PLANSYNC_INSTANCE:-}" ]; then
    echo "::error::plansync sync needs the team instance: set the instance input or PLANSYNC_INSTANCE"
    exit 2
fi
"$plansync" sync "${paths[0]}" --format markdown > "$tmp/plansync-sync.md" 2> "$tmp/plansync-sync.err"
code=$?
cat "$tmp/plansync-sync.err" >&2
{
    echo "## plansync sync"
    echo
    cat "$tmp/plansync-sync.md"
    if [ -s "$tmp/plansync-sync.err" ]; then
        echo
        echo '```text'
        cat "$tmp/plansync-sync.err"
        echo '```'
    fi
} >> "${GITHUB_STEP_SUMMARY:-/dev/stdout}"
cat "$tmp/plansync-sync.md"
exit "$code"
