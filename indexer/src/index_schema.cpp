#include "indexer/index_schema.h"
#include "indexer/index_locator.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <vector>

namespace idx::indexer {
namespace {

constexpr const char* kDerived = R"sql(
-- Derived from the tags at the end of each run (schema 2; the symbol
-- dictionary's layout is schema 3's).
CREATE TABLE IF NOT EXISTS sym_blocks(id INTEGER PRIMARY KEY, first TEXT NOT NULL, names BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS sym_blocks_first ON sym_blocks(first);
CREATE TABLE IF NOT EXISTS sym_pairs(pair INTEGER PRIMARY KEY, groups BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS sym_delta(name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_refs(src INTEGER PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS file_rank(file INTEGER PRIMARY KEY, rank REAL NOT NULL);
)sql";

// The files search must read whatever the query (no usable postings), found
// without a scan by a search that trusts `idx watch` and skips the walk. An
// index without it (written before it existed) answers the same, by a scan.
constexpr const char* kUnsearchable =
    "CREATE INDEX IF NOT EXISTS files_unsearchable ON files(id) "
    "WHERE skip IN ('too_large', 'unreadable', 'vanished');";

constexpr const char* kCreate = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE files(
  id INTEGER PRIMARY KEY,
  path TEXT NOT NULL UNIQUE,
  size INTEGER NOT NULL,
  mtime_ns INTEGER NOT NULL,
  inode INTEGER NOT NULL,
  hash INTEGER,
  git_oid TEXT,                 -- git blob id when the file was clean in a git checkout
  lang TEXT,
  skip TEXT,
  nul_offset INTEGER,
  segment INTEGER NOT NULL,
  symbols TEXT
);
-- The symbol pass and `idx status` look for pending files without a scan.
CREATE INDEX files_symbols_pending ON files(id) WHERE symbols IS NULL;
CREATE TABLE segments(
  id INTEGER PRIMARY KEY,
  created_ns INTEGER NOT NULL,
  files INTEGER NOT NULL,
  pairs INTEGER NOT NULL
);
CREATE TABLE tags(
  file INTEGER PRIMARY KEY,     -- files.id
  definitions INTEGER NOT NULL,
  references_ INTEGER NOT NULL,
  data BLOB NOT NULL            -- zstd records: see indexer/symbol_codec.h
);
CREATE TABLE def_names(         -- the files that define a name
  bucket INTEGER PRIMARY KEY,   -- upper 16 bits of the name's 32-bit key
  data BLOB NOT NULL            -- (lower 16 bits, file) pairs: indexer/name_buckets.h
);
CREATE TABLE ref_names(         -- the files whose tags reference a name
  bucket INTEGER PRIMARY KEY,
  data BLOB NOT NULL
);
CREATE TABLE postings(
  key INTEGER PRIMARY KEY,  -- segment << 25 | gram (indexer/posting_builder.h)
  docs BLOB NOT NULL        -- file ids: delta varints or CRoaring (indexer/posting_codec.h)
);
)sql";

bool file_exists(const std::string& path, off_t* size) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return false;
    *size = st.st_size;
    return true;
}

// Reads the schema version of an idx index, or explains why `db` is not one.
Expected<int> schema_version(Db& db) {
    auto st = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'");
    if (!st) {
        if (st.error().kind == ErrorKind::kCorrupt) {
            return Error{ErrorKind::kCorrupt, db.path() + ": not an idx index (the file is not an SQLite database, "
                                                          "or it is corrupt)"};
        }
        if (st.error().message.find("no such table") != std::string::npos) {
            return Error{ErrorKind::kCorrupt, db.path() + ": not an idx index (no meta table)"};
        }
        return st.error();
    }
    auto row = st->step();
    if (!row) return std::move(row).error();
    if (!*row) return Error{ErrorKind::kCorrupt, db.path() + ": not an idx index (no schema version)"};
    return static_cast<int>(st->int64(0));
}

// Whether this user may write the index and its folder (WAL needs both).
bool writable(const std::string& path) {
    const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/') + 1);
    return ::access(path.c_str(), W_OK) == 0 && ::access(dir.c_str(), W_OK) == 0;
}

Expected<void> configure(Db& db) {
    if (auto r = db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF;"); !r) {
        return r;
    }
    return {};
}

}  // namespace

Expected<std::string> read_meta(Db& db, const std::string& key) {
    auto st = db.prepare("SELECT value FROM meta WHERE key = ?1");
    if (!st) return std::move(st).error();
    st->bind(1, key);
    auto row = st->step();
    if (!row) return std::move(row).error();
    return *row ? std::string(st->text(0)) : std::string();
}

Expected<int64_t> read_meta_int(Db& db, const std::string& key) {
    auto v = read_meta(db, key);
    if (!v) return std::move(v).error();
    if (v->empty()) return int64_t{0};
    int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size()) {
        return Error{ErrorKind::kCorrupt, db.path() + ": the index's " + key +
                                              " is corrupt (not a number); rebuild with `idx index --rebuild`"};
    }
    return n;
}

Expected<void> write_meta(Db& db, const std::string& key, const std::string& value) {
    auto st = db.prepare("INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2");
    if (!st) return std::move(st).error();
    st->bind(1, key).bind(2, value);
    return st->run();
}

Expected<Db> open_index_for_read(const std::string& path) {
    off_t size = 0;
    if (!file_exists(path, &size)) {
        return Error{ErrorKind::kNotFound, path + ": no index here (run `idx index` first)"};
    }
    // An index this user cannot write (read-only media, another user's
    // files) cannot set up WAL's shared memory: open it as immutable.
    auto db = Db::open(path, writable(path) ? Db::Mode::kReadOnly : Db::Mode::kImmutable);
    if (!db) return db;
    auto v = schema_version(*db);
    if (!v) return std::move(v).error();
    if (*v != kSchemaVersion) {
        return Error{ErrorKind::kUnsupported, path + ": index schema version " + std::to_string(*v) +
                                                  " is not the version this idx reads (" +
                                                  std::to_string(kSchemaVersion) +
                                                  "); rebuild with `idx index --rebuild`"};
    }
    return db;
}

Expected<Db> open_index_for_write(const std::string& path, bool rebuild) {
    off_t size = 0;
    const bool existed = file_exists(path, &size) && size > 0;
    if (existed && !writable(path)) {
        return Error{ErrorKind::kPermission, path + ": the index is readonly (the index file or its folder is not "
                                                    "writable)"};
    }
    auto db = Db::open(path, Db::Mode::kReadWriteCreate);
    if (!db) return db;
    if (existed) {
        auto v = schema_version(*db);
        if (!v) return std::move(v).error();  // not ours: never overwritten, even with --rebuild
        if (*v != kSchemaVersion && !rebuild) {
            return Error{ErrorKind::kUnsupported, path + ": index schema version " + std::to_string(*v) +
                                                      " is not the version this idx writes (" +
                                                      std::to_string(kSchemaVersion) +
                                                      "); rebuild with `idx index --rebuild`"};
        }
        if (auto r = configure(*db); !r) return r.error();
        if (*v == kSchemaVersion) {
            if (auto r = db->exec(kUnsearchable); !r) return r.error();
        }
        return db;
    }
    if (auto r = configure(*db); !r) return r.error();
    if (auto r = db->exec("BEGIN IMMEDIATE"); !r) return r.error();
    if (auto r = reset_schema(*db); !r) {
        (void)db->exec("ROLLBACK");
        return r.error();
    }
    if (auto r = db->exec("COMMIT"); !r) return r.error();
    return db;
}

Expected<void> reset_schema(Db& db) {
    std::vector<std::string> tables;
    {
        auto st = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
        if (!st) return st.error();
        auto st_read = st->each([&](const Stmt& row) {
            tables.emplace_back(row.text(0));
        });
        if (!st_read) return st_read.error();
    }
    for (const auto& t : tables) {
        if (auto r = db.exec("DROP TABLE \"" + t + "\""); !r) return r;
    }
    if (auto r = db.exec(kCreate); !r) return r;
    if (auto r = db.exec(kDerived); !r) return r;
    if (auto r = db.exec(kUnsearchable); !r) return r;
    if (auto r = write_meta(db, "format", "idx"); !r) return r;
    return write_meta(db, "schema_version", std::to_string(kSchemaVersion));
}

std::optional<IndexLocation> find_index(const std::string& dir) {
    auto where = locate_index(dir);
    if (!where || !where->root_in_meta) return where;
    where->root_in_meta = false;
    struct stat st {};
    if (::stat(where->db_path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return where;
    auto opened = open_index_for_read(where->db_path);
    if (!opened) return where;
    auto root = read_meta(*opened, "root");
    if (root && !root->empty()) where->root = *root;
    return where;
}

}  // namespace idx::indexer
