#include "indexer/derived_pass.h"

#include "indexer/graph_pass.h"
#include "indexer/index_schema.h"
#include "indexer/symbol_dictionary.h"
#include "indexer/symbol_dictionary_builder.h"

namespace idx::indexer {

Expected<DerivedPassStats> run_derived_pass(Db& db, const std::string& root, const std::vector<int64_t>& tagged,
                                            bool dirty_before_symbols, const std::atomic<bool>* cancel) {
    DerivedPassStats stats;
    auto dirty = read_meta(db, "derived_dirty");
    if (!dirty) return dirty.error();
    if (*dirty != "1") return stats;
    stats.ran = true;

    auto graph = run_graph_pass(db, GraphPassOptions{root, cancel});
    if (!graph) return graph.error();
    stats.graph_files = graph->files;
    stats.graph_edges = graph->edges;
    if (graph->cancelled) {
        stats.cancelled = true;
        return stats;
    }

    auto chunks = db.scalar("SELECT EXISTS (SELECT 1 FROM sym_blocks)");
    if (!chunks) return chunks.error();
    auto delta = db.scalar("SELECT count(*) FROM sym_delta");
    if (!delta) return delta.error();
    // The delta only knows this run's files: after an interrupted run, or
    // when the delta would grow large, rebuild from every file's tags.
    stats.dictionary_rebuilt = dirty_before_symbols || *chunks == 0 || tagged.size() > 5000 ||
                               static_cast<size_t>(*delta) + tagged.size() * 8 > kMaxDeltaNames;
    if (auto r = db.exec("BEGIN IMMEDIATE"); !r) return r.error();
    Expected<void> r = stats.dictionary_rebuilt ? rebuild_symbol_dictionary(db) : add_to_symbol_delta(db, tagged);
    if (r) r = write_meta(db, "derived_dirty", "0");
    if (!r) {
        (void)db.exec("ROLLBACK");
        return r.error();
    }
    if (auto c = db.exec("COMMIT"); !c) return c.error();
    return stats;
}

}  // namespace idx::indexer
