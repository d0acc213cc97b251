// The file graph (indexer/graph_pass.h): a big pass resolves used names
// through an in-memory table of def_names, a small one through point
// lookups in the index; both must give every file the same edges.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "indexer/graph_pass.h"
#include "tests/support/index_tree.h"
#include "tests/support/temp_tree.h"

using namespace idx::indexer;
using idx::test::TempTree;

namespace {

// Every file's stored edges, decoded, in file order.
std::vector<std::pair<int64_t, std::vector<std::pair<int64_t, float>>>> stored_edges(Db& db) {
    std::vector<std::pair<int64_t, std::vector<std::pair<int64_t, float>>>> out;
    auto st = db.prepare("SELECT src, data FROM file_refs ORDER BY src");
    REQUIRE(st.ok());
    auto read = st->each([&](const Stmt& row) {
        std::vector<std::pair<int64_t, float>> edges;
        REQUIRE(decode_file_refs(row.blob(1), edges));
        out.emplace_back(row.int64(0), std::move(edges));
    });
    REQUIRE(read.ok());
    return out;
}

}  // namespace

TEST_CASE("the file graph from the in-memory definer table equals the one from point lookups") {
    TempTree t;
    std::mt19937 rng(20261128);
    // Names defined once, in a few files, and in more than kMaxDefiners
    // (which add no edge); files in nested folders so that the nearest
    // definer decides, with ties; files that define what they use.
    const std::vector<std::string> dirs = {"a", "a/x", "a/y", "b", "b/x", "c/d/e"};
    int files = 0;
    for (const auto& dir : dirs) {
        for (int f = 0; f < 6; ++f, ++files) {
            std::string src;
            for (int d = 0; d < 3; ++d) src += "int fn_" + std::to_string(rng() % 40) + "(void) { return 0; }\n";
            src += "int common_init(void) { return 1; }\n";  // defined in every file
            src += "int user_" + std::to_string(files) + "(void) {\n";
            for (int u = 0; u < 12; ++u) src += "  fn_" + std::to_string(rng() % 40) + "();\n";
            src += "  common_init();\n  return add(1);\n}\n";
            t.write(dir + "/f" + std::to_string(f) + ".c", src);
        }
    }
    idx::test::index_tree(t);

    auto db = Db::open(t.path(".idx/index.db"), Db::Mode::kReadWriteCreate);
    REQUIRE(db.ok());
    // One file's symbols pending: its definitions still count, with no
    // folder in common (its path is unknown to both resolutions).
    REQUIRE(db->exec("UPDATE files SET symbols = NULL WHERE path = 'a/x/f0.c'").ok());
    REQUIRE(db->changes() == 1);
    --files;
    auto graph = [&](size_t bulk_from) {
        REQUIRE(db->exec("DELETE FROM file_refs").ok());
        GraphPassOptions g;
        g.root = t.root();
        g.bulk_from = bulk_from;
        auto stats = run_graph_pass(*db, g);
        REQUIRE(stats.ok());
        CHECK(stats->files == static_cast<uint64_t>(files));
        return stored_edges(*db);
    };
    const auto point = graph(SIZE_MAX);
    const auto bulk = graph(0);
    REQUIRE(point.size() == static_cast<size_t>(files));
    size_t edges = 0;
    for (const auto& [src, e] : point) edges += e.size();
    CHECK(edges > static_cast<size_t>(files));  // the graph is not empty
    CHECK(bulk == point);
}
