// The index must hold every trigram of every text file, and stay exact
// across incremental updates (issue #3).
#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <unistd.h>

#include "indexer/index_builder.h"
#include "indexer/symbol_pass.h"
#include "indexer/index_reader.h"
#include "indexer/posting_builder.h"
#include "tests/support/index_tree.h"
#include "tests/support/temp_tree.h"

using namespace idx::indexer;
using idx::test::TempTree;
using idx::test::index_tree;

namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Checks, by brute force, that every trigram of every live file's text lists
// that file, and that no live file is listed for a trigram it lacks.
void check_postings_exact(const TempTree& t) {
    auto reader = IndexReader::open(t.path(".idx/index.db"));
    REQUIRE(reader.ok());
    auto files = reader->files();
    REQUIRE(files.ok());
    auto live = reader->live();
    REQUIRE(live.ok());
    std::map<Trigram, std::vector<int64_t>> expected;
    TrigramExtractor ex;
    for (const auto& f : *files) {
        if (!f.skip.empty()) continue;
        std::vector<Trigram> tri;
        const std::string text = slurp(t.path(f.path));
        const bool words = !f.lang.empty() && text.size() <= kMaxSymbolBytes;  // word grams: refs' files
        ex.extract(text, tri, words);
        if (!words && !f.lang.empty()) tri.push_back(kNoWordGrams);
        for (Trigram x : tri) expected[x].push_back(f.id);
    }
    for (auto& [tri, ids] : expected) {
        auto docs = reader->docs(tri);
        REQUIRE(docs.ok());
        roaring_bitmap_and_inplace(docs->get(), live->get());
        std::vector<uint32_t> got(roaring_bitmap_get_cardinality(docs->get()));
        roaring_bitmap_to_uint32_array(docs->get(), got.data());
        std::vector<uint32_t> want(ids.begin(), ids.end());
        std::sort(want.begin(), want.end());
        CHECK(got == want);
    }
}

std::string random_text(std::mt19937& rng) {
    static const char* words[] = {"spin_lock", "irqsave", "cpu", "Mutex", "static", "int", "{", "}", "()", "kmalloc",
                                  "é", "日本", "\t", "x"};
    std::string s;
    size_t n = rng() % 200;
    for (size_t i = 0; i < n; ++i) {
        s += words[rng() % (sizeof(words) / sizeof(words[0]))];
        s += rng() % 7 == 0 ? "\n" : " ";
    }
    return s;
}

// Sets the file's mtime to `ns` (nanoseconds since the epoch).
void set_mtime(const TempTree& t, const std::string& rel, int64_t ns) {
    const timespec times[2] = {{0, UTIME_OMIT}, {ns / 1000000000, ns % 1000000000}};
    REQUIRE(::utimensat(AT_FDCWD, t.path(rel).c_str(), times, 0) == 0);
}

int64_t mtime_of(const TempTree& t, const std::string& rel) {
    struct stat st {};
    REQUIRE(::stat(t.path(rel).c_str(), &st) == 0);
    return static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

}  // namespace

TEST_CASE("the index lists every trigram of every file, and nothing else" * doctest::test_suite("parallel")) {
    TempTree t;
    std::mt19937 rng(3);
    for (int i = 0; i < 60; ++i) t.write("d" + std::to_string(i % 5) + "/f" + std::to_string(i) + ".c", random_text(rng));
    t.write("bin.dat", std::string("abc\0def", 7));
    auto s = index_tree(t);
    CHECK(s.added == 61);
    CHECK(s.binary == 1);
    check_postings_exact(t);
}

TEST_CASE("a second run re-reads only added and changed files, and drops deleted ones" * doctest::test_suite("parallel")) {
    TempTree t;
    std::mt19937 rng(4);
    for (int i = 0; i < 20; ++i) {
        t.write("f" + std::to_string(i) + ".txt", random_text(rng));
        // Written well before the run: not racily clean (see the next case).
        set_mtime(t, "f" + std::to_string(i) + ".txt", mtime_of(t, "f" + std::to_string(i) + ".txt") - 10'000'000'000);
    }
    index_tree(t);
    t.write("f1.txt", "completely new words here\n");
    t.write("new.txt", "brand new file\n");
    REQUIRE(::unlink(t.path("f2.txt").c_str()) == 0);
    auto s = index_tree(t);
    CHECK(s.added == 1);
    CHECK(s.changed == 1);
    CHECK(s.deleted == 1);
    CHECK(s.unchanged == 18);
    CHECK(s.files == 20);
    check_postings_exact(t);
}

TEST_CASE("a file rewritten in the clock tick it was indexed in, same size and mtime, is read again (racily clean; review)" *
          doctest::test_suite("parallel")) {
    TempTree t;
    t.write("a.txt", "hello world\n");
    index_tree(t);
    // The same size, and the mtime the index holds: what a rewrite within
    // one tick of the coarse file clock looks like.
    const int64_t before = mtime_of(t, "a.txt");
    t.write("a.txt", "jelly words\n");
    set_mtime(t, "a.txt", before);
    auto s = index_tree(t);
    CHECK(s.changed == 1);
    check_postings_exact(t);
}

TEST_CASE("a file whose metadata changed but whose content did not is not re-indexed" * doctest::test_suite("parallel")) {
    TempTree t;
    t.write("a.txt", "hello world\n");
    index_tree(t);
    t.write("a.txt", "hello world\n");  // rewritten: new mtime, same bytes
    auto s = index_tree(t);
    CHECK(s.touched + s.unchanged == 1);
    CHECK(s.changed == 0);
    CHECK(s.pairs == 0);
}

TEST_CASE("many incremental runs are compacted and stay exact" * doctest::test_suite("parallel")) {
    TempTree t;
    std::mt19937 rng(5);
    for (int i = 0; i < 10; ++i) t.write("f" + std::to_string(i) + ".txt", random_text(rng));
    index_tree(t);
    for (int run = 0; run < 12; ++run) {
        t.write("f" + std::to_string(run % 10) + ".txt", random_text(rng) + std::to_string(run));
        index_tree(t);
    }
    auto reader = IndexReader::open(t.path(".idx/index.db"));
    REQUIRE(reader.ok());
    auto st = reader->db().prepare("SELECT COUNT(*) FROM segments");
    REQUIRE(st.ok());
    REQUIRE(*st->step());
    CHECK(st->int64(0) <= 8);
    check_postings_exact(t);
}

TEST_CASE("a deleted file's id is never given to a new file, which would inherit its postings" * doctest::test_suite("parallel")) {
    // Found by review (session 6): ids came from MAX(id) + 1, so deleting
    // the newest file freed its id while an older segment still listed it.
    TempTree t;
    t.write("a.txt", "alpha\n");
    index_tree(t);  // a.txt: id 1
    t.write("b.txt", "unicorn\n");
    index_tree(t);  // b.txt: id 2, the newest
    REQUIRE(::unlink(t.path("b.txt").c_str()) == 0);
    index_tree(t);
    t.write("c.txt", "zebra\n");
    index_tree(t);
    auto reader = IndexReader::open(t.path(".idx/index.db"));
    REQUIRE(reader.ok());
    auto files = reader->files();
    REQUIRE(files.ok());
    REQUIRE(files->size() == 2);
    CHECK((*files)[1].path == "c.txt");
    CHECK((*files)[1].id == 3);
    auto live = reader->live();
    REQUIRE(live.ok());
    auto docs = reader->docs(make_trigram('u', 'n', 'i'));
    REQUIRE(docs.ok());
    roaring_bitmap_and_inplace(docs->get(), live->get());
    CHECK(roaring_bitmap_is_empty(docs->get()));
    check_postings_exact(t);
}

TEST_CASE("a few changes merge only the recent segments; much staleness merges all, exactly" * doctest::test_suite("parallel")) {
    TempTree t;
    std::mt19937 rng(9);
    for (int i = 0; i < 40; ++i) t.write("f" + std::to_string(i) + ".txt", random_text(rng));
    index_tree(t);
    auto segment_rows = [&] {
        auto reader = IndexReader::open(t.path(".idx/index.db"));
        REQUIRE(reader.ok());
        auto st = reader->db().prepare("SELECT id, files FROM segments ORDER BY id");
        REQUIRE(st.ok());
        std::vector<std::pair<int64_t, int64_t>> rows;
        while (*st->step()) rows.emplace_back(st->int64(0), st->int64(1));
        return rows;
    };
    // 12 one-file runs: 52 files written, 40 live (23% stale), so the
    // count alone triggers merges, which leave the first segment alone.
    for (int run = 0; run < 12; ++run) {
        t.write("f" + std::to_string(run) + ".txt", random_text(rng) + std::to_string(run));
        index_tree(t);
    }
    auto rows = segment_rows();
    CHECK(rows.size() <= 8);
    REQUIRE(!rows.empty());
    CHECK(rows.front() == std::pair<int64_t, int64_t>{1, 40});
    check_postings_exact(t);
    // Most files change: over 30% stale, so everything merges into one.
    for (int i = 0; i < 40; ++i) t.write("f" + std::to_string(i) + ".txt", random_text(rng) + "x");
    index_tree(t);
    for (int run = 0; run < 9; ++run) {
        t.write("g" + std::to_string(run) + ".txt", random_text(rng));
        index_tree(t);
    }
    rows = segment_rows();
    CHECK(rows.size() <= 8);
    CHECK(rows.front().first != 1);
    check_postings_exact(t);
}

TEST_CASE("each segment's postings are one run of keys, and an update's run comes after all others (schema 5)" *
          doctest::test_suite("parallel")) {
    TempTree t;
    std::mt19937 rng(5);
    for (int i = 0; i < 30; ++i) t.write("f" + std::to_string(i) + ".c", random_text(rng));
    index_tree(t);
    for (int run = 0; run < 3; ++run) {
        t.write("f" + std::to_string(run) + ".c", random_text(rng) + std::to_string(run));
        index_tree(t);
    }
    auto reader = IndexReader::open(t.path(".idx/index.db"));
    REQUIRE(reader.ok());
    auto st = reader->db().prepare("SELECT key FROM postings ORDER BY key");
    REQUIRE(st.ok());
    std::vector<int64_t> segs;  // the segment of each row, in key order
    while (*st->step()) {
        const int64_t key = st->int64(0);
        CHECK(posting_key(posting_gram(key), key >> kGramBits) == key);
        segs.push_back(key >> kGramBits);
    }
    REQUIRE(!segs.empty());
    // Runs: the segment never goes back to an earlier one.
    CHECK(std::is_sorted(segs.begin(), segs.end()));
    auto ids = reader->db().prepare("SELECT id FROM segments ORDER BY id");
    REQUIRE(ids.ok());
    std::vector<int64_t> listed;
    while (*ids->step()) listed.push_back(ids->int64(0));
    segs.erase(std::unique(segs.begin(), segs.end()), segs.end());
    CHECK(segs == listed);
    check_postings_exact(t);
}

TEST_CASE("definitions are found by name after indexing, and follow file changes" * doctest::test_suite("parallel")) {
    TempTree t;
    t.write("a.c", "int helper(int a)\n{\n\treturn a;\n}\n");
    t.write("b.py", "def helper():\n    pass\n");
    index_tree(t);
    {
        auto reader = IndexReader::open(t.path(".idx/index.db"));
        REQUIRE(reader.ok());
        auto hits = reader->find_tags("helper", true);
        REQUIRE(hits.ok());
        REQUIRE(hits->size() == 2);
        CHECK((*hits)[0].path == "a.c");
        CHECK((*hits)[0].tag.line == 1);
        CHECK((*hits)[0].tag.end_line == 4);
        CHECK((*hits)[1].path == "b.py");
    }
    t.write("a.c", "int renamed(int a)\n{\n\treturn a;\n}\n");
    index_tree(t);
    auto reader = IndexReader::open(t.path(".idx/index.db"));
    REQUIRE(reader.ok());
    auto hits = reader->find_tags("helper", true);
    REQUIRE(hits.ok());
    REQUIRE(hits->size() == 1);
    CHECK((*hits)[0].path == "b.py");
    auto renamed = reader->find_tags("renamed", true);
    REQUIRE(renamed.ok());
    CHECK(renamed->size() == 1);
}
