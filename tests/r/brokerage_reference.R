# Reference values for graph.analysis.brokerage.gould_fernandez from R's sna::brokerage.
#
# Run from the repository root (needs R with the sna and jsonlite packages, e.g. Debian's
# r-base-core r-cran-sna r-cran-jsonlite):
#
#   Rscript tests/r/brokerage_reference.R
#
# It writes tests/r/brokerage_reference.json, which is committed: the Python tests compare against the
# JSON and never need R. Each case holds the vertex count, the arcs (0-based sender, receiver; self-loops
# included, an undirected tie appears as two arcs), the group label of each vertex and sna's node-level
# raw counts (raw.nli) and z-scores (z.nli), columns w_I w_O b_IO b_OI b_O t. NaN / Inf are written as
# the strings "NaN", "Inf", "-Inf".
suppressPackageStartupMessages({
  library(sna)
  library(jsonlite)
})

set.seed(20240601)

random_digraph <- function(n, density, loops = FALSE) {
  g <- matrix(rbinom(n * n, 1, density), n, n)
  if (!loops) diag(g) <- 0
  g
}

labels_with_sizes <- function(sizes) {
  sample(rep(names(sizes), times = sizes))
}

make_case <- function(name, g, cl, note) {
  b <- brokerage(g, cl)
  arcs <- which(g != 0, arr.ind = TRUE)
  arcs <- arcs[order(arcs[, 1], arcs[, 2]), , drop = FALSE]
  list(
    name = name,
    note = note,
    n = nrow(g),
    arcs = unname(arcs - 1),
    groups = as.character(cl),
    density = nrow(arcs) / (nrow(g) * (nrow(g) - 1)),
    raw = unname(b$raw.nli),
    z = unname(b$z.nli)
  )
}

cases <- list()
cases[[length(cases) + 1]] <- make_case(
  "directed_n6_2groups", random_digraph(6, 0.35), labels_with_sizes(c(a = 3, b = 3)),
  "small sparse directed graph, two groups")
cases[[length(cases) + 1]] <- make_case(
  "directed_n12_3groups_singleton", random_digraph(12, 0.3), labels_with_sizes(c(a = 6, b = 5, c = 1)),
  "three groups, one of size 1")
cases[[length(cases) + 1]] <- make_case(
  "directed_n20_4groups_dense", random_digraph(20, 0.6), labels_with_sizes(c(a = 7, b = 6, c = 4, d = 3)),
  "dense directed graph, four groups")
cases[[length(cases) + 1]] <- make_case(
  "directed_n30_4groups_sparse_singleton", random_digraph(30, 0.1),
  labels_with_sizes(c(a = 12, b = 10, c = 7, d = 1)),
  "sparse directed graph, four groups, one of size 1")
cases[[length(cases) + 1]] <- make_case(
  "directed_n15_2groups_selfloops", random_digraph(15, 0.25, loops = TRUE),
  labels_with_sizes(c(a = 9, b = 6)),
  "self-loops on the diagonal: they count as arcs in the density, never as two-paths")
cases[[length(cases) + 1]] <- make_case(
  "directed_n40_3groups", random_digraph(40, 0.2), labels_with_sizes(c(a = 20, b = 15, c = 5)),
  "larger directed graph, three groups")
u <- random_digraph(14, 0.3)
u[lower.tri(u)] <- 0
u <- u + t(u)
cases[[length(cases) + 1]] <- make_case(
  "undirected_n14_3groups", u, labels_with_sizes(c(a = 6, b = 5, c = 3)),
  "undirected graph given as a symmetric matrix: every tie is two arcs")
k <- matrix(1, 5, 5)
diag(k) <- 0
cases[[length(cases) + 1]] <- make_case(
  "complete_n5", k, c("a", "a", "b", "b", "c"),
  "complete graph: density 1, no open two-path, z-scores NaN")

# The organisation network of tests/fixtures/dataset (graph.analysis.views.organisation_network),
# groups = sector.
nodes <- c("budget-watch", "city-data-office", "civic-lab", "data-corp", "gov-digital-service",
           "integrity-analytics", "justice-forum", "open-data-collective", "policy-institute",
           "transparency-network", "un-governance", "uni-research-hub", "world-dev-bank")
sectors <- c("civil_society", "government", "civil_society", "private", "government", "private",
             "civil_society", "network", "academic", "network", "multilateral", "academic", "multilateral")
edges <- rbind(
  c("budget-watch", "civic-lab"), c("budget-watch", "data-corp"), c("budget-watch", "justice-forum"),
  c("budget-watch", "open-data-collective"), c("budget-watch", "policy-institute"),
  c("budget-watch", "transparency-network"), c("budget-watch", "un-governance"),
  c("budget-watch", "uni-research-hub"), c("budget-watch", "world-dev-bank"),
  c("city-data-office", "gov-digital-service"), c("civic-lab", "data-corp"),
  c("civic-lab", "gov-digital-service"), c("civic-lab", "open-data-collective"),
  c("civic-lab", "uni-research-hub"), c("civic-lab", "world-dev-bank"), c("data-corp", "open-data-collective"),
  c("data-corp", "world-dev-bank"), c("gov-digital-service", "open-data-collective"),
  c("gov-digital-service", "uni-research-hub"), c("integrity-analytics", "transparency-network"),
  c("integrity-analytics", "world-dev-bank"), c("justice-forum", "policy-institute"),
  c("justice-forum", "un-governance"), c("open-data-collective", "uni-research-hub"),
  c("open-data-collective", "world-dev-bank"), c("policy-institute", "transparency-network"),
  c("policy-institute", "un-governance"), c("transparency-network", "un-governance"),
  c("transparency-network", "uni-research-hub"), c("transparency-network", "world-dev-bank"),
  c("un-governance", "uni-research-hub"))
f <- matrix(0, length(nodes), length(nodes), dimnames = list(nodes, nodes))
f[edges] <- 1
f[edges[, 2:1]] <- 1
fixture <- make_case("fixture_organisation_network", f, sectors,
                     "organisation network of the test fixture, groups = sector (vertices in sorted id order)")
fixture$vertices <- nodes
cases[[length(cases) + 1]] <- fixture

out <- list(
  generator = "tests/r/brokerage_reference.R",
  r_version = R.version.string,
  sna_version = as.character(packageVersion("sna")),
  columns = c("w_I", "w_O", "b_IO", "b_OI", "b_O", "t"),
  cases = cases
)
writeLines(toJSON(out, digits = NA, auto_unbox = TRUE, pretty = TRUE, matrix = "rowmajor"),
           "tests/r/brokerage_reference.json")
cat("wrote tests/r/brokerage_reference.json with", length(cases), "cases\n")
