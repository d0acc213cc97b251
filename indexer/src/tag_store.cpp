#include "indexer/tag_store.h"

#include <algorithm>

#include "indexer/symbol_codec.h"

namespace idx::indexer {

Expected<TagStore> TagStore::prepare(Db& db) {
    TagStore s;
    struct Spec {
        Stmt* out;
        const char* sql;
    };
    for (const Spec& spec : {
             Spec{&s.get_, "SELECT data FROM tags WHERE file = ?1"},
             Spec{&s.put_, "INSERT INTO tags(file, definitions, references_, data) VALUES (?1, ?2, ?3, ?4)"},
             Spec{&s.del_, "DELETE FROM tags WHERE file = ?1"},
             Spec{&s.del_graph_, "DELETE FROM file_refs WHERE src = ?1"},
         }) {
        auto st = db.prepare(spec.sql);
        if (!st) return st.error();
        *spec.out = std::move(*st);
    }
    auto defs = NameBucketWriter::prepare(db, "def_names");
    if (!defs) return defs.error();
    auto refs = NameBucketWriter::prepare(db, "ref_names");
    if (!refs) return refs.error();
    s.defs_ = std::move(*defs);
    s.refs_ = std::move(*refs);
    return s;
}

Expected<void> TagStore::remove(int64_t file) {
    // The file's outgoing edges go with its tags (edges into it are
    // dropped when the graph is loaded, as its id no longer exists).
    del_graph_.bind(1, file);
    if (auto r = del_graph_.run(); !r) return r;
    get_.bind(1, file);
    auto row = get_.step();
    if (!row) {
        get_.reset();
        return row.error();
    }
    if (!*row) {
        get_.reset();
        return {};
    }
    auto tags = decode_tags(get_.blob(0));
    get_.reset();
    if (tags) {  // a corrupt blob still goes; its name rows become harmless strays
        for (const Tag& t : *tags) (t.is_definition ? defs_ : refs_).remove(name_hash(t.name), file);
    }
    del_.bind(1, file);
    return del_.run();
}

Expected<void> TagStore::write(int64_t file, const std::vector<Tag>& tags) {
    if (auto r = remove(file); !r) return r;
    if (tags.empty()) return {};
    int64_t defs = 0;
    for (const Tag& t : tags) {
        defs += t.is_definition ? 1 : 0;
        (t.is_definition ? defs_ : refs_).add(name_hash(t.name), file);
    }
    const std::string blob = encode_tags(tags);
    put_.bind(1, file).bind(2, defs).bind(3, static_cast<int64_t>(tags.size()) - defs);
    put_.bind_blob(4, blob.data(), blob.size());
    return put_.run();
}

Expected<void> TagStore::flush() {
    if (auto r = defs_.flush(); !r) return r;
    return refs_.flush();
}

void TagStore::discard() {
    defs_.discard();
    refs_.discard();
}

}  // namespace idx::indexer
