#include "indexer/sqlite.h"

#include <cstdio>

namespace idx::indexer {

namespace {

// One formatting for every SQLite failure: "<file>: [what: ]<message> (hint)".
Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
    ErrorKind kind = ErrorKind::kIo;
    switch (rc & 0xff) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: kind = ErrorKind::kCorrupt; break;
        case SQLITE_CANTOPEN: kind = ErrorKind::kNotFound; break;
        case SQLITE_READONLY:
        case SQLITE_PERM: kind = ErrorKind::kPermission; break;
        default: break;
    }
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    std::string msg = std::string(file && *file ? file : "index") + ": ";
    if (!what.empty()) msg += std::string(what) + ": ";
    msg += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_BUSY) msg += " (another idx index is writing; try again when it finishes)";
    if ((rc & 0xff) == SQLITE_READONLY) msg += " (the index file or its folder is not writable)";
    return {kind, msg};
}

}  // namespace

Expected<bool> Stmt::step() {
    int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return sqlite_error(sqlite3_db_handle(s_.get()), rc, "");
}

Expected<void> Stmt::run() {
    auto r = step();
    reset();
    if (!r) return std::move(r).error();
    return {};
}

Error Db::error(int rc, std::string_view what) const {
    Error e = sqlite_error(db_.get(), rc, what);
    if (!db_) e.message = path_ + ": " + e.message.substr(e.message.find(": ") + 2);
    return e;
}

Expected<Db> Db::open(const std::string& path, Mode mode) {
    Db db;
    db.path_ = path;
    sqlite3* raw = nullptr;
    int flags = (mode == Mode::kReadWriteCreate ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY) |
                SQLITE_OPEN_NOMUTEX;
    std::string name = path;
    if (mode == Mode::kImmutable) {
        flags |= SQLITE_OPEN_URI;
        name = "file:";
        for (char c : path) {  // percent-encode what a URI path cannot hold
            if (c == '%' || c == '?' || c == '#') {
                char buf[4];
                std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
                name += buf;
            } else {
                name += c;
            }
        }
        name += "?immutable=1";
    }
    int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    db.db_.reset(raw);
    if (rc != SQLITE_OK) return db.error(rc, "cannot open index");
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 2000);
    return db;
}

Expected<void> Db::exec(std::string_view sql) {
    std::string s(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        Error e = error(rc, "");
        sqlite3_free(err);
        return e;
    }
    return {};
}

Expected<Stmt> Db::prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &s,
                                nullptr);
    if (rc != SQLITE_OK) return error(rc, "prepare");
    return Stmt(s);
}

Expected<int64_t> Db::scalar(std::string_view sql) {
    auto st = prepare(sql);
    if (!st) return st.error();
    auto row = st->step();
    if (!row) return row.error();
    return *row ? st->int64(0) : 0;
}

Expected<bool> RowBlob::read(int64_t rowid, std::string& out) {
    int rc = SQLITE_OK;
    if (blob_) {
        rc = sqlite3_blob_reopen(blob_.get(), rowid);
    } else {
        sqlite3_blob* raw = nullptr;
        rc = sqlite3_blob_open(db_->get(), "main", table_, column_, rowid, 0, &raw);
        blob_ = UniqueHandle<sqlite3_blob, &close_blob>(raw);
    }
    if (rc == SQLITE_ERROR) {
        // No such row, or no blob in it: the handle is spent either way.
        blob_.reset();
        return false;
    }
    if (rc != SQLITE_OK) {
        blob_.reset();
        return db_->error(rc, std::string("read ") + table_ + "." + column_);
    }
    out.resize(static_cast<size_t>(sqlite3_blob_bytes(blob_.get())));
    rc = sqlite3_blob_read(blob_.get(), out.data(), static_cast<int>(out.size()), 0);
    if (rc != SQLITE_OK) {
        blob_.reset();
        return db_->error(rc, std::string("read ") + table_ + "." + column_);
    }
    return true;
}

}  // namespace idx::indexer
