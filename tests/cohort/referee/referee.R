# The referee of `switchpoint cohort --analysis` (docs/cohort.md): R's survival package fits the
# same models on the same analysis table and writes its estimates, one per line, for compare.py.
# Usage: Rscript referee.R TABLE.csv SPEC.csv OUT.csv
#   SPEC.csv: definition, landmark_covariates, tv_covariates (space-separated names) per definition
#   to fit; the ties method is Breslow's, as switchpoint's.
suppressPackageStartupMessages(library(survival))
args <- commandArgs(trailingOnly = TRUE)
tab <- read.csv(args[1], stringsAsFactors = FALSE, colClasses = c(patient_id = "character"))
spec <- read.csv(args[2], stringsAsFactors = FALSE, colClasses = "character")
ctl <- coxph.control(eps = 1e-14, iter.max = 100, toler.chol = 1e-15)
out <- data.frame(definition = character(), quantity = character(), value = numeric())
put <- function(d, q, v) out[nrow(out) + 1, ] <<- list(d, q, v)
z <- qnorm(0.975)
for (i in seq_len(nrow(spec))) {
  d <- spec$definition[i]
  lm <- tab[tab$definition == d & tab$analysis == "landmark", ]
  covs <- strsplit(spec$landmark_covariates[i], " ")[[1]]
  rhs <- paste(c("switched", covs), collapse = " + ")
  f <- coxph(as.formula(paste("Surv(tstop, died) ~", rhs)), data = lm, ties = "breslow", control = ctl)
  b <- coef(f)[["switched"]]; se <- sqrt(vcov(f)["switched", "switched"])
  put(d, "hr", exp(b)); put(d, "ci_low", exp(b - z * se)); put(d, "ci_high", exp(b + z * se))
  put(d, "p", 2 * pnorm(-abs(b / se)))
  # The proportional-hazards check: switched x log(t) through tt().
  ft <- coxph(as.formula(paste("Surv(tstop, died) ~", rhs, "+ tt(switched)")), data = lm, ties = "breslow",
              control = ctl, tt = function(x, t, ...) x * log(t))
  bt <- coef(ft)[["tt(switched)"]]; st <- sqrt(vcov(ft)["tt(switched)", "tt(switched)"])
  put(d, "ph_coef", bt); put(d, "ph_p", 2 * pnorm(-abs(bt / st)))
  # Time-varying switching, counting process.
  tv <- tab[tab$definition == d & tab$analysis == "time-varying", ]
  tcovs <- strsplit(spec$tv_covariates[i], " ")[[1]]
  g <- coxph(as.formula(paste("Surv(tstart, tstop, died) ~", paste(c("switched", tcovs), collapse = " + "))),
             data = tv, ties = "breslow", control = ctl)
  b <- coef(g)[["switched"]]; se <- sqrt(vcov(g)["switched", "switched"])
  put(d, "tv_hr", exp(b)); put(d, "tv_ci_low", exp(b - z * se)); put(d, "tv_ci_high", exp(b + z * se))
  put(d, "tv_p", 2 * pnorm(-abs(b / se)))
  # Kaplan-Meier from the landmark per group, Greenwood, log-scale 95% band (survfit's default).
  for (grp in c(1, 0)) {
    k <- survfit(Surv(tstop, died) ~ 1, data = lm[lm$switched == grp, ], conf.type = "log")
    name <- if (grp == 1) "km_switch" else "km_continue"
    at <- k$n.event > 0
    for (j in which(at)) {
      put(d, sprintf("%s/%g/survival", name, k$time[j]), k$surv[j])
      if (k$surv[j] > 0) {
        put(d, sprintf("%s/%g/lower95", name, k$time[j]), k$lower[j])
        put(d, sprintf("%s/%g/upper95", name, k$time[j]), k$upper[j])
      }
      put(d, sprintf("%s/%g/n_risk", name, k$time[j]), k$n.risk[j])
    }
  }
}
write.csv(out, args[3], row.names = FALSE)
