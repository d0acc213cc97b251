// run_derived_pass(): after the symbol pass, brings the tables derived from
// the tags up to date: the file graph and ranks (graph_pass.h) and the
// symbol dictionary (symbol_dictionary.h). Runs only when meta
// derived_dirty = 1, and clears it when both are done, so a run killed
// half-way redoes the work next time.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

struct DerivedPassStats {
    bool ran = false, dictionary_rebuilt = false, cancelled = false;
    uint64_t graph_files = 0, graph_edges = 0;
};

// `tagged`: files given tags by this run's symbol pass (their names go to
// the dictionary's delta when a rebuild is not due).
Expected<DerivedPassStats> run_derived_pass(Db& db, const std::string& root, const std::vector<int64_t>& tagged,
                                            bool dirty_before_symbols, const std::atomic<bool>* cancel);

}  // namespace idx::indexer
