// RowBlob (indexer/sqlite.h): reading blobs row by row through one
// incremental blob handle, including rows that are missing or hold no blob.
#include <doctest/doctest.h>

#include <string>

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
