#!/bin/sh
# ctest analysis_referee: switchpoint's switch-versus-continue analysis of a fixed synthetic cohort
# checked against R's survival package (coxph, Breslow ties; survfit) to 1e-6.
# Exit 77 (skipped) only when Rscript is missing; any other failure is a failure.
set -eu
bin=$1
here=$(cd "$(dirname "$0")" && pwd)
command -v Rscript >/dev/null 2>&1 || { echo "analysis_referee: Rscript not found (apt-get install r-base-core r-cran-survival)"; exit 77; }
Rscript -e 'suppressPackageStartupMessages(library(survival))' >/dev/null 2>&1 || { echo "analysis_referee: R's survival package is missing (apt-get install r-cran-survival): a failure, not a skip"; exit 1; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bin" synth --patients 600 --seed 7 --switch-hr 0.7 -o "$dir/cohort" >/dev/null
"$bin" cohort "$dir/cohort" -o "$dir/rows.csv" --threads 2 --analysis "$dir/analysis.json" --analysis-table "$dir/table.csv" >/dev/null
python3 "$here/compare.py" spec "$dir/analysis.json" "$dir/spec.csv"
Rscript "$here/referee.R" "$dir/table.csv" "$dir/spec.csv" "$dir/r.csv"
python3 "$here/compare.py" check "$dir/analysis.json" "$dir/r.csv"
