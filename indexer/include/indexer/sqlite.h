// The RAII owners of SQLite's handles, and the few calls idx makes.
//
// Db owns a sqlite3* and Stmt a sqlite3_stmt*; both are move-only. Every
// failure becomes an Error naming the statement or file. Not thread-safe:
// one Db per thread (readers open their own).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "common/expected.h"
#include "common/unique_handle.h"

namespace idx::indexer {

inline void close_db(sqlite3* db) { sqlite3_close_v2(db); }

// For a process that calls SQLite from one thread only (the lookup
// executable): no mutexes, and no memory statistics, whose upkeep takes a
// global mutex on every allocation. Must come before any other SQLite call;
// false when it came too late (SQLite then keeps its defaults).
inline bool use_sqlite_from_one_thread() {
    return sqlite3_config(SQLITE_CONFIG_SINGLETHREAD) == SQLITE_OK &&
           sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) == SQLITE_OK;
}
inline void finalize_stmt(sqlite3_stmt* s) { sqlite3_finalize(s); }

class Stmt {
public:
    Stmt() = default;
    explicit Stmt(sqlite3_stmt* s) : s_(s) {}
    explicit operator bool() const { return static_cast<bool>(s_); }

    // Binds are 1-based, as in SQLite.
    Stmt& bind(int i, int64_t v) { sqlite3_bind_int64(s_.get(), i, v); return *this; }
    Stmt& bind(int i, std::string_view v) {
        sqlite3_bind_text(s_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind_blob(int i, const void* data, size_t n) {
        sqlite3_bind_blob(s_.get(), i, data, static_cast<int>(n), SQLITE_TRANSIENT);
        return *this;
    }
    Stmt& bind(int i, double v) { sqlite3_bind_double(s_.get(), i, v); return *this; }
    Stmt& bind_null(int i) { sqlite3_bind_null(s_.get(), i); return *this; }

    // One step: true while a row is available; an error ends iteration.
    Expected<bool> step();
    // Steps through the rows, calling f(*this) for each; f returns void, or
    // bool (false stops early), or Expected<void> (an error stops and is
    // returned). The statement is reset afterwards, bindings kept, so the
    // views text() and blob() gave f end there.
    template <class F>
    Expected<void> each(F&& f);
    // Runs to completion and resets, for INSERT/UPDATE/DELETE.
    Expected<void> run();
    void reset() { sqlite3_reset(s_.get()); sqlite3_clear_bindings(s_.get()); }

    int64_t int64(int col) const { return sqlite3_column_int64(s_.get(), col); }
    double real(int col) const { return sqlite3_column_double(s_.get(), col); }
    bool is_null(int col) const { return sqlite3_column_type(s_.get(), col) == SQLITE_NULL; }
    std::string_view text(int col) const {
        auto p = reinterpret_cast<const char*>(sqlite3_column_text(s_.get(), col));
        return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s_.get(), col))) : std::string_view();
    }
    std::string_view blob(int col) const {
        auto p = static_cast<const char*>(sqlite3_column_blob(s_.get(), col));
        return p ? std::string_view(p, static_cast<size_t>(sqlite3_column_bytes(s_.get(), col))) : std::string_view();
    }

private:
    UniqueHandle<sqlite3_stmt, &finalize_stmt> s_;
};

template <class F>
Expected<void> Stmt::each(F&& f) {
    using Result = std::invoke_result_t<F&, const Stmt&>;
    Expected<void> out;
    while (true) {
        auto row = step();
        if (!row) {
            out = std::move(row).error();
            break;
        }
        if (!*row) break;
        if constexpr (std::is_same_v<Result, bool>) {
            if (!f(std::as_const(*this))) break;
        } else if constexpr (std::is_same_v<Result, Expected<void>>) {
            if (auto r = f(std::as_const(*this)); !r) {
                out = std::move(r).error();
                break;
            }
        } else {
            static_assert(std::is_void_v<Result>, "each(): the callback returns void, bool or Expected<void>");
            f(std::as_const(*this));
        }
    }
    sqlite3_reset(s_.get());
    return out;
}

class Db {
public:
    // kImmutable: read-only with no locking, for files on read-only media.
    enum class Mode { kReadOnly, kImmutable, kReadWriteCreate };
    static Expected<Db> open(const std::string& path, Mode mode);

    Expected<void> exec(std::string_view sql);
    Expected<Stmt> prepare(std::string_view sql);
    // The first column of the first row of `sql` (0 when there is no row).
    Expected<int64_t> scalar(std::string_view sql);
    sqlite3* get() const { return db_.get(); }
    const std::string& path() const { return path_; }
    int64_t changes() const { return sqlite3_changes64(db_.get()); }
    int64_t last_insert_rowid() const { return sqlite3_last_insert_rowid(db_.get()); }

    // "<path>: <sqlite message>", with the kind derived from the result code.
    Error error(int rc, std::string_view what) const;

private:
    UniqueHandle<sqlite3, &close_db> db_;
    std::string path_;
};

inline void close_blob(sqlite3_blob* b) { sqlite3_blob_close(b); }

// Reads one column's blob, row by rowid, through SQLite's incremental blob
// handle: moving it to another row re-runs only the seek, where a prepared
// SELECT is reset, re-bound and re-run for each row (half of the SQLite
// time of an `idx sym` that reads thousands of dictionary blocks).
// Read-only; use within one read transaction.
class RowBlob {
public:
    RowBlob(Db& db, const char* table, const char* column) : db_(&db), table_(table), column_(column) {}
    // The blob of row `rowid` into `out`: false when the row does not exist
    // or holds no blob or text there; other failures are errors.
    Expected<bool> read(int64_t rowid, std::string& out);

private:
    Db* db_;
    const char* table_;
    const char* column_;
    UniqueHandle<sqlite3_blob, &close_blob> blob_;  // null until opened, or after a missing row
};

// A read transaction for the scope: one snapshot for all the statements in
// it, and one lock instead of one per statement (an `idx sym` runs
// thousands). Ends with COMMIT; a failed BEGIN leaves autocommit in force.
class ReadTransaction {
public:
    explicit ReadTransaction(Db& db) : db_(db.exec("BEGIN") ? &db : nullptr) {}
    ReadTransaction(const ReadTransaction&) = delete;
    ReadTransaction& operator=(const ReadTransaction&) = delete;
    ~ReadTransaction() {
        if (db_) (void)db_->exec("COMMIT");
    }

private:
    Db* db_;
};

}  // namespace idx::indexer
