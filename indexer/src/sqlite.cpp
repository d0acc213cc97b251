#include "indexer/sqlite.h"

namespace idx::indexer {

Expected<bool> Stmt::step() {
    int rc = sqlite3_step(s_.get());
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3* db = sqlite3_db_handle(s_.get());
    return Error{rc == SQLITE_CORRUPT || rc == SQLITE_NOTADB ? ErrorKind::kCorrupt : ErrorKind::kIo,
                 std::string(sqlite3_db_filename(db, "main") ? sqlite3_db_filename(db, "main") : "index") + ": " +
                     sqlite3_errmsg(db)};
}

Expected<void> Stmt::run() {
    auto r = step();
    reset();
    if (!r) return std::move(r).error();
    return {};
}

Error Db::error(int rc, std::string_view what) const {
    ErrorKind kind = ErrorKind::kIo;
    switch (rc & 0xff) {
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: kind = ErrorKind::kCorrupt; break;
        case SQLITE_CANTOPEN: kind = ErrorKind::kNotFound; break;
        case SQLITE_READONLY:
        case SQLITE_PERM: kind = ErrorKind::kPermission; break;
        default: break;
    }
    std::string msg = path_ + ": ";
    if (!what.empty()) msg += std::string(what) + ": ";
    msg += db_ ? sqlite3_errmsg(db_.get()) : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_BUSY) msg += " (another idx index is writing; try again when it finishes)";
    return {kind, msg};
}

Expected<Db> Db::open(const std::string& path, Mode mode) {
    Db db;
    db.path_ = path;
    sqlite3* raw = nullptr;
    const int flags = (mode == Mode::kReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
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

}  // namespace idx::indexer
