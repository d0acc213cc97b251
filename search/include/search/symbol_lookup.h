// Symbol lookups over an index: definitions (`idx def`), uses (`idx refs`),
// fuzzy search (`idx sym`) and a file's outline (`idx outline`). The CLI and
// the agent's tools call these; printing is theirs.
//
// Definitions and the fuzzy dictionary come from the index (a file changed
// since indexing keeps its indexed symbols until `idx index` runs; the
// outline alone re-parses such a file). Uses are found in the files' current
// text: the trigram index narrows the files, then every whole-identifier
// occurrence of the name that is not one of its definitions is a use, with
// the kind of a tags.scm reference at that spot ("call", ...) when there is
// one and "reference" otherwise.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "indexer/glob.h"
#include "indexer/index_reader.h"
#include "indexer/symbol_dictionary.h"

namespace idx::search {

struct SymbolFilter {
    std::string kind;                       // "" any; else the tag kind ("function", "macro", ...)
    std::string lang;                       // "" any; else a language name ("c", "python", ...)
    std::vector<indexer::Glob> path_globs;  // any of them must match the root-relative path
    bool admits(const indexer::SymbolHit& hit) const;
};

struct SymbolMatch {
    indexer::SymbolHit hit;
    int score = 0;        // fuzzy search only: higher is better
    bool prefix = false;  // fuzzy search only: the query begins the name (these rank first)
    double rank = 0;   // the file's PageRank
};

class SymbolLookup {
public:
    // `root`: the indexed tree, to read files for uses and outlines.
    SymbolLookup(indexer::IndexReader& reader, std::string root) : reader_(reader), root_(std::move(root)) {}
    // Set from another thread, it stops references() between files; the
    // result then holds what was found so far and cancelled() is true.
    void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
    bool cancelled() const { return cancel_ && cancel_->load(); }
    // The dictionary decoded in memory (a long-lived process's), for
    // fuzzy(); used while they are of the index's current generation.
    void use_dictionary(std::shared_ptr<const indexer::DecodedDictionary> decoded) { decoded_ = std::move(decoded); }

    // Definitions named exactly `name`, by path then line.
    Expected<std::vector<SymbolMatch>> definitions(std::string_view name, const SymbolFilter& filter);
    // Uses of `name`, by path then line, in the source files that get
    // symbols. Files over kMaxSymbolBytes and binary files are not read
    // (they get no symbols, so a use could not be told from a definition,
    // nor word grams): `not_read` counts those that may hold the name.
    struct ReferenceStats {
        uint64_t not_read = 0;
    };
    Expected<std::vector<SymbolMatch>> references(std::string_view name, const SymbolFilter& filter,
                                                  ReferenceStats* stats = nullptr);
    // The `limit` best fuzzy matches of `query` among definitions (see
    // indexer/symbol_match.h), ranked by match, kind and file rank.
    Expected<std::vector<SymbolMatch>> fuzzy(std::string_view query, const SymbolFilter& filter, size_t limit,
                                             indexer::SymbolMatchStats* stats = nullptr);

    struct Outline {
        std::string path, lang;
        bool reparsed = false;  // the file changed since indexing: parsed now
        std::vector<indexer::Tag> definitions;  // source order
        std::vector<uint32_t> depth;            // nesting depth of each definition
    };
    // `path` is relative to the root. kNotFound when the index does not
    // know the file; kUnsupported when no grammar knows its language.
    Expected<Outline> outline(std::string_view path);

private:
    // definitions() inside the caller's read transaction (fuzzy() resolves
    // many names in one).
    Expected<std::vector<SymbolMatch>> definitions_in_transaction(std::string_view name, const SymbolFilter& filter);
    // The definitions of fuzzy-matched names (best first) that pass
    // `filter`, scored; stops at the first name whose definitions could not
    // enter the best `limit`.
    Expected<std::vector<SymbolMatch>> resolve_names(const std::vector<indexer::ScoredName>& names,
                                                     const SymbolFilter& filter, double ranked_files, size_t limit);

    indexer::IndexReader& reader_;
    std::string root_;
    const std::atomic<bool>* cancel_ = nullptr;
    std::shared_ptr<const indexer::DecodedDictionary> decoded_;
};

// How definitions rank: types and functions before fields and variables.
int kind_weight(std::string_view kind);

}  // namespace idx::search
