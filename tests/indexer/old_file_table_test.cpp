// OldFileTable (indexer/src/old_file_table.h): the index's files by path,
// as an update compares the walk with them.
#include <doctest/doctest.h>

#include <map>
#include <random>
#include <string>

#include "old_file_table.h"

using namespace idx::indexer;

TEST_CASE("the old-file table finds every path it holds, keeps the first row of a repeated path, and misses others") {
    std::mt19937 rng(20261128);
    std::map<std::string, int64_t> want;
    OldFileTable t;
    t.reserve(100);  // too few: it grows while rows are added
    for (int64_t id = 1; id <= 5000; ++id) {
        std::string path = "dir" + std::to_string(rng() % 50) + "/file" + std::to_string(rng() % 4000) + ".c";
        want.emplace(path, id);  // the first row of a path wins, in the table too
        t.add(path, OldFile{id, 0, 0, 0, 0, "", "", false});
    }
    CHECK(t.size() == want.size());
    for (const auto& row : want) {
        const OldFile* f = t.find(row.first);
        REQUIRE_MESSAGE(f != nullptr, row.first);
        CHECK(f->id == row.second);
    }
    CHECK(t.find("dir1/nothing.c") == nullptr);
    CHECK(t.find("") == nullptr);

    // each() visits every row once, in the order added; marks stick.
    t.find(want.begin()->first)->seen = true;
    size_t rows = 0, seen = 0;
    int64_t last = 0;
    t.each([&](std::string_view path, OldFile& f) {
        ++rows;
        seen += f.seen;
        CHECK(f.id > last);
        last = f.id;
        CHECK(want.at(std::string(path)) == f.id);
    });
    CHECK(rows == want.size());
    CHECK(seen == 1);
}

TEST_CASE("an empty old-file table finds nothing") {
    OldFileTable t;
    CHECK(t.find("a.c") == nullptr);
    CHECK(t.size() == 0);
}
