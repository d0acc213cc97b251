// IndexSession: what the index-reading commands (def, refs, sym, outline,
// map, query) share: finding and opening the index, and converting paths
// between the user's working directory and the index root.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/expected.h"
#include "indexer/index_locator.h"
#include "indexer/index_reader.h"
#include "indexer/symbol_dictionary.h"

namespace idx::cli {

class IndexSession {
public:
    // Finds the index covering the working directory and opens it.
    // kNotFound when there is none.
    static Expected<IndexSession> open();
    // Opens the index at `where`, for a user in `cwd` (absolute).
    static Expected<IndexSession> open(const std::string& cwd, const indexer::IndexLocation& where);
    // Serves another user's command over the same open index (the lookup
    // server's sessions): `cwd` and `where` as in open().
    Expected<void> place(const std::string& cwd, const indexer::IndexLocation& where);

    indexer::IndexReader& reader() { return reader_; }
    // The decoded dictionary a long-lived process keeps in memory for its
    // sessions (the lookup server's); null when there are none.
    using DictionarySource = std::function<std::shared_ptr<const indexer::DecodedDictionary>(IndexSession&)>;
    void set_dictionary_source(DictionarySource source) { dictionary_source_ = std::move(source); }
    std::shared_ptr<const indexer::DecodedDictionary> dictionary() {
        return dictionary_source_ ? dictionary_source_(*this) : nullptr;
    }
    const std::string& root() const { return root_; }
    const std::string& db_path() const { return db_path_; }

    // A path the user typed (relative to the working directory, or
    // absolute) as a root-relative path; nullopt when outside the root.
    std::optional<std::string> to_root_relative(const std::string& user_path) const;
    // A root-relative path as the user should see it: relative to the
    // working directory, as ripgrep prints paths.
    std::string display(const std::string& root_relative) const;

private:
    IndexSession(indexer::IndexReader reader) : reader_(std::move(reader)) {}

    indexer::IndexReader reader_;
    DictionarySource dictionary_source_;
    std::string root_, db_path_, cwd_;
    std::string cwd_prefix_;  // the working directory relative to the root, "" or "dir/"
    int cwd_depth_ = 0;       // folders in cwd_prefix_ (for "../" when it is outside)
};

}  // namespace idx::cli
