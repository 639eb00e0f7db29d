#!/bin/sh
# Issue 15 item 9: the researcher scripts (scripts/research/headline.py with pandas, headline.R in
# base R) read the outputs of `switchpoint cohort` on DTSDHCC and must reproduce the headline
# numbers the program printed and reported. Exit 77 (skipped) only when R or Python is missing.
#   sh tests/research/run.sh SWITCHPOINT SOURCE_DIR WORK_DIR
set -eu
bin=$1 src=$2 work=$3
command -v Rscript >/dev/null 2>&1 || { echo "Rscript not found (r-base-core): skipped"; exit 77; }
py=""
for c in /usr/bin/python3 python3; do
  if command -v "$c" >/dev/null 2>&1 && "$c" -c 'import pandas' 2>/dev/null; then py=$c; break; fi
done
if [ -z "$py" ]; then
  command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
  echo "python3 has no pandas: install python3-pandas (scripts/dev.sh does)"; exit 1
fi
mkdir -p "$work"
rm -f "$work"/rows.csv "$work"/criteria.csv "$work"/report.html
"$bin" cohort "$src/data/dtsdhcc/dtsdhcc.csv" --csv-profile dtsdhcc --threads 2 -o "$work/rows.csv" \
  --criteria "$work/criteria.csv" --report "$work/report.html" > "$work/stdout.txt" 2> "$work/stderr.txt"
patients=$(($(wc -l < "$work/rows.csv") - 1))
"$py" "$src/scripts/research/headline.py" "$work/rows.csv" "$work/criteria.csv" > "$work/headline-py.txt"
Rscript "$src/scripts/research/headline.R" "$work/rows.csv" "$work/criteria.csv" > "$work/headline-r.txt"
if ! cmp "$work/headline-py.txt" "$work/headline-r.txt"; then
  diff "$work/headline-py.txt" "$work/headline-r.txt" | head -20
  echo "FAIL: the R and Python scripts disagree"; exit 1
fi
"$py" "$src/tests/research/check.py" "$work/stdout.txt" "$work/report.html" "$work/headline-py.txt" "$patients"
