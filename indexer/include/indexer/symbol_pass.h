// run_symbol_pass(): tags every file whose symbols are pending (files.symbols
// IS NULL) with tree-sitter, after the content index has been committed, so
// that search works while symbols are still being built.
//
// Resumable: it commits every few hundred files, and a killed or interrupted
// pass leaves the rest pending for the next `idx index`. Before the first
// file it sets meta derived_dirty = 1 (the symbol dictionary and file graph
// need updating). Each file ends with files.symbols = 'done' or a reason:
// unsupported (no grammar), binary, too_large, unreadable, vanished,
// too_large_for_symbols, parse_timeout.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "indexer/sqlite.h"

namespace idx::indexer {

// Larger files get no symbols (too_large_for_symbols): on Linux these are
// generated register headers. `idx refs` does not read them either.
constexpr uint64_t kMaxSymbolBytes = uint64_t{1} << 20;

struct SymbolPassOptions {
    std::string root;
    uint64_t max_bytes = kMaxSymbolBytes;  // larger files: too_large_for_symbols
    int parse_budget_ms = 5000;               // per file; then parse_timeout
    const std::atomic<bool>* cancel = nullptr;
    // Called from the writer thread: files done, files to do.
    std::function<void(uint64_t, uint64_t)> progress;
};

struct SymbolPassStats {
    uint64_t files = 0, definitions = 0, references = 0;
    uint64_t skipped = 0, timeouts = 0;
    bool cancelled = false;
    std::vector<int64_t> tagged;  // files.id of the files given tags
};

Expected<SymbolPassStats> run_symbol_pass(Db& db, const SymbolPassOptions& options);

}  // namespace idx::indexer
