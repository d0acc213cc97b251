// indexer/sqlite.h: Stmt::each, the row loop every reader uses, and RowBlob,
// reading blobs row by row through one incremental blob handle, including
// rows that are missing or hold no blob.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "indexer/sqlite.h"
#include "tests/support/temp_tree.h"

using namespace idx::indexer;

TEST_CASE("RowBlob reads rows in any order, says false for a missing row or a non-blob, and goes on after it") {
    idx::test::TempTree t;
    auto db = Db::open(t.path("t.db"), Db::Mode::kReadWriteCreate);
    REQUIRE(db.ok());
    REQUIRE(db->exec("CREATE TABLE b(id INTEGER PRIMARY KEY, data BLOB);"
                     "INSERT INTO b VALUES (1, x'0102'), (3, x''), (4, 7), (5, NULL), (9, x'ff00ff');")
                .ok());
    RowBlob rows(*db, "b", "data");
    std::string out = "stale";
    auto expect = [&](int64_t id, bool present, const std::string& bytes) {
        INFO("row ", id);
        auto r = rows.read(id, out);
        REQUIRE(r.ok());
        CHECK(*r == present);
        if (present) CHECK(out == bytes);
    };
    expect(9, true, std::string("\xff\x00\xff", 3));
    expect(1, true, "\x01\x02");
    expect(2, false, "");  // no such row: the handle is spent, the next read opens another
    expect(3, true, "");
    expect(4, false, "");  // an integer, not a blob
    expect(1, true, "\x01\x02");
    expect(5, false, "");  // NULL
    expect(9, true, std::string("\xff\x00\xff", 3));
}

TEST_CASE("Stmt::each visits every row, stops when told or on an error, and leaves the statement ready to run again") {
    idx::test::TempTree t;
    auto db = Db::open(t.path("t.db"), Db::Mode::kReadWriteCreate);
    REQUIRE(db.ok());
    REQUIRE(db->exec("CREATE TABLE n(v INTEGER); INSERT INTO n VALUES (1), (2), (3), (4);").ok());
    auto st = db->prepare("SELECT v FROM n WHERE v >= ?1 ORDER BY v");
    REQUIRE(st.ok());
    st->bind(1, int64_t{2});
    std::vector<int64_t> seen;
    REQUIRE(st->each([&](const Stmt& row) { seen.push_back(row.int64(0)); }).ok());
    CHECK(seen == std::vector<int64_t>{2, 3, 4});

    // false stops; the binding survives the reset, so the next run sees the same rows.
    seen.clear();
    REQUIRE(st->each([&](const Stmt& row) {
                   seen.push_back(row.int64(0));
                   return seen.size() < 2;
               })
                .ok());
    CHECK(seen == std::vector<int64_t>{2, 3});
    seen.clear();
    REQUIRE(st->each([&](const Stmt& row) { seen.push_back(row.int64(0)); }).ok());
    CHECK(seen == std::vector<int64_t>{2, 3, 4});

    // An error from the callback stops the loop and comes back.
    seen.clear();
    auto failed = st->each([&](const Stmt& row) -> idx::Expected<void> {
        seen.push_back(row.int64(0));
        if (row.int64(0) == 3) return idx::Error{idx::ErrorKind::kCorrupt, "row 3 is bad"};
        return {};
    });
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message == "row 3 is bad");
    CHECK(seen == std::vector<int64_t>{2, 3});
    seen.clear();
    REQUIRE(st->each([&](const Stmt& row) { seen.push_back(row.int64(0)); }).ok());
    CHECK(seen == std::vector<int64_t>{2, 3, 4});

    // A failing step (a run-time error in the statement) comes back too.
    auto bad = db->prepare("SELECT abs(-9223372036854775807 - 1)");  // integer overflow, raised when stepped
    REQUIRE(bad.ok());
    int calls = 0;
    auto step_failed = bad->each([&](const Stmt&) { ++calls; });
    CHECK_FALSE(step_failed.ok());
    CHECK(calls == 0);
    CHECK_FALSE(bad->each([&](const Stmt&) { ++calls; }).ok());  // reset: the same error again, not a misuse
    CHECK(calls == 0);
}
