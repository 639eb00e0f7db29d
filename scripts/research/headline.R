#!/usr/bin/env Rscript
# Reproduces the headline numbers of a `switchpoint cohort` report from its tables, in base R.
#
#   Rscript scripts/research/headline.R ROWS.csv [CRITERIA.csv]
#
# Prints the same lines as headline.py (see there): counts, kappa, detail and criteria lines.
args <- commandArgs(trailingOnly = TRUE)
definitions <- c("raoul-2011", "jsh-lcsgj-2014", "apasl-2017", "galle-2017",
                 "aasld-2018", "klca-ncc-2022", "easl-2018", "bclc-2022")
col <- function(d, what) paste0(gsub("-", "_", d), "_", what)
read <- function(f) read.csv(f, colClasses = "character", na.strings = character(0), check.names = FALSE)

rows <- read(args[1])
# The column names must survive R as they are (snake_case): check.names would change any other.
stopifnot(identical(names(rows), make.names(names(rows))))
ok <- rows[rows$input == "ok", ]
for (d in definitions) {
  s <- ok[[col(d, "status")]]
  cat(sprintf("counts,%s,%d,%d,%d,%d\n", d, sum(s == "refractory"), sum(s == "not-refractory"),
              sum(s == "insufficient-data"), sum(s == "not-applicable")))
}
treated <- ok[ok$first_tace != "", ]
determinate <- function(s) s %in% c("refractory", "not-refractory")
for (i in seq_along(definitions)) {
  for (b in definitions[-seq_len(i)]) {
    a <- definitions[i]
    sa <- treated[[col(a, "status")]]
    sb <- treated[[col(b, "status")]]
    det <- determinate(sa) & determinate(sb)
    ra <- sa[det] == "refractory"
    rb <- sb[det] == "refractory"
    n <- length(ra)
    k <- NA
    if (n > 0) {
      po <- (sum(ra & rb) + sum(!ra & !rb)) / n
      pa <- mean(ra)
      pb <- mean(rb)
      pe <- pa * pb + (1 - pa) * (1 - pb)
      if (pe < 1) k <- (po - pe) / (1 - pe)
    }
    cat(sprintf("kappa,%s,%s,%d,%s\n", a, b, n, if (is.na(k)) "NA" else sprintf("%.4f", k)))
  }
}
for (d in definitions) {
  s <- ok[[col(d, "detail")]]
  cat(sprintf("detail,%s,%d,%d\n", d, sum(s == "not-applicable-no-tace"), sum(s == "not-evaluable-yet")))
}
if (length(args) > 1) {
  crit <- read(args[2])
  cat(sprintf("criteria,%d,%d\n", nrow(crit), nrow(unique(crit[, c("patient_id", "definition")]))))
}
