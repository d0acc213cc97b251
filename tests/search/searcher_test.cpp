// search() as a library call, over many files at once: TBB verifies them in
// parallel and the sink is called from worker threads (issue #4, item 5).
// Checked by brute force, with and without the index, on a tree edited
// after indexing. Part of the "parallel" suite that CI also runs under
// ThreadSanitizer (issue #7).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <climits>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "indexer/index_builder.h"
#include "search/searcher.h"
#include "tests/support/index_tree.h"
#include "tests/support/temp_tree.h"

using namespace idx::search;
using idx::test::TempTree;

namespace {

// path -> the numbers of the lines holding the literal.
using Hits = std::map<std::string, std::set<uint64_t>>;

class CollectingSink : public SearchSink {
public:
    void on_file(FileMatches&& m) override {
        std::lock_guard lock(mu_);
        auto& lines = hits_[m.path];
        for (const auto& l : m.lines) lines.insert(l.number);
    }
    void on_error(const idx::Error& e, bool) override {
        std::lock_guard lock(mu_);
        errors_.push_back(e.message);
    }
    Hits hits_;
    std::vector<std::string> errors_;

private:
    std::mutex mu_;
};

// Restores the working directory (search() uses the index covering it).
class ChangeDir {
public:
    explicit ChangeDir(const std::string& to) {
        REQUIRE(::getcwd(old_, sizeof old_) != nullptr);
        REQUIRE(::chdir(to.c_str()) == 0);
    }
    ~ChangeDir() { (void)!::chdir(old_); }

private:
    char old_[PATH_MAX];
};

const char* const kWords[] = {"alpha", "beta", "gamma", "delta", "spin_lock", "irqsave", "kmalloc", "x", "{", "}"};

std::string random_file_text(std::mt19937& rng) {
    std::string s;
    const size_t n = rng() % 300;
    for (size_t i = 0; i < n; ++i) {
        s += kWords[rng() % std::size(kWords)];
        s += rng() % 6 == 0 ? "\n" : " ";
    }
    return s;
}

void brute_force(const std::string& rel, const std::string& text, const std::string& literal, Hits& out) {
    uint64_t number = 1;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (std::string_view(text).substr(start, end - start).find(literal) != std::string_view::npos) {
            out[rel].insert(number);
        }
        start = end + 1;
        ++number;
    }
}

}  // namespace

TEST_CASE("parallel search over an edited tree finds exactly the brute-force lines, with and without the index" *
          doctest::test_suite("parallel")) {
    TempTree t;
    std::mt19937 rng(7);
    std::map<std::string, std::string> files;
    for (int i = 0; i < 400; ++i) {
        const std::string rel = "d" + std::to_string(i % 17) + "/f" + std::to_string(i) + ".txt";
        files[rel] = random_file_text(rng);
        t.write(rel, files[rel]);
    }
    idx::test::index_tree(t);

    // Edits after indexing: search must see the working tree.
    for (int i = 0; i < 40; ++i) {
        const std::string rel = "d" + std::to_string(i % 17) + "/f" + std::to_string(i) + ".txt";
        files[rel] = random_file_text(rng) + "\nfresh_literal here\n";
        t.write(rel, files[rel]);
    }
    for (int i = 0; i < 20; ++i) {
        const std::string rel = "new/g" + std::to_string(i) + ".txt";
        files[rel] = random_file_text(rng);
        t.write(rel, files[rel]);
    }
    for (int i = 390; i < 400; ++i) {
        const std::string rel = "d" + std::to_string(i % 17) + "/f" + std::to_string(i) + ".txt";
        ::unlink(t.path(rel).c_str());
        files.erase(rel);
    }

    ChangeDir here(t.root());
    for (const std::string literal : {"spin_lock irqsave", "fresh_literal", "kmalloc", "gamma delta alpha", "absent"}) {
        Hits want;
        for (const auto& [rel, text] : files) brute_force(rel, text, literal, want);
        for (bool no_index : {false, true}) {
            SearchRequest r;
            r.patterns = {literal};
            r.fixed_strings = true;
            r.no_index = no_index;
            CollectingSink sink;
            auto stats = search(r, idx::indexer::WalkOptions{}, sink);
            REQUIRE(stats.ok());
            INFO("literal: ", literal, " no_index: ", no_index);
            CHECK(sink.errors_.empty());
            CHECK(stats->used_index == !no_index);
            CHECK(sink.hits_ == want);
        }
    }
}
