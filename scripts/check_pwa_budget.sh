#!/usr/bin/env bash
# The PWA's budget: all JS + CSS of the built app (the service worker aside, which phones
# fetch apart from the page), each file gzip -9, must add up to at most 100 KB.
set -euo pipefail

dist="${1:-pwa/dist}"
budget="${PWA_BUDGET_BYTES:-102400}"

if [ ! -d "$dist" ]; then
    echo "pwa budget: $dist does not exist (build the PWA first)" >&2
    exit 1
fi

total=0
while IFS= read -r -d '' file; do
    size=$(gzip -9 -c "$file" | wc -c)
    printf '%8d  %s\n' "$size" "${file#"$dist"/}"
    total=$((total + size))
done < <(find "$dist" -type f \( -name '*.js' -o -name '*.css' \) ! -name 'sw.js' -print0 | sort -z)

printf '%8d  total (gzip -9), budget %d\n' "$total" "$budget"
if [ "$total" -gt "$budget" ]; then
    echo "pwa budget: JS + CSS is $total bytes gzipped, over the budget of $budget" >&2
    exit 1
fi
