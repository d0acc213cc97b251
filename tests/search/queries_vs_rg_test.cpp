// Issue #4, item 6: on generated trees, for the starter queries of
// ../shared/bench/queries.tsv and 30 more of our own, `idx search --sort path
// -n --no-heading` is byte-identical to rg's, without and with an index.
#include <random>

#include "tests/cli/rg_compare.h"
#include "tests/support/watch_process.h"

using idx::test::run_both;
using idx::test::TempTree;

namespace {

const std::vector<std::vector<std::string>> kQueries = {
    // ../shared/bench/queries.tsv
    {"spin_lock_irqsave"}, {"rxrpc_kernel_recv_data"}, {"struct \\w+_operations \\{"}, {"(kmalloc|kzalloc)\\(sizeof"},
    {"-i", "dma mapping"}, {"^static int \\w+_probe\\("}, {"[A-Z]{24,}"}, {"\\bcpu\\b"}, {"mutex_unlock_irqsave"},
    {"\\bu8\\b"},
    // our own
    {"-w", "lock"}, {"-F", "a.b("}, {"-x", "}"}, {"foo|bar|baz"}, {"^\\s*#include"}, {"-i", "ÉTÉ"}, {"é+"},
    {"\\d{3,}"}, {"return\\s+-E[A-Z]+;"}, {"[[:upper:]]{3}_"}, {"(?i)static"}, {"x{2,3}y"}, {"\\t"}, {"\\w+\\(\\)"},
    {"-v", "e"}, {"^$"}, {"lock.*unlock"}, {"\\bint\\b.*\\bchar\\b"}, {"-S", "Lock"}, {"-S", "lock"}, {"(a|b)*c"},
    {"[^a-z ]{5}"}, {"sizeof\\((struct )?\\w+\\)"}, {"-e", "foo", "-e", "bar"}, {"irq\\w*save"}, {"τ"},
    {""}, {"-w", "u8|u16"}, {"-c", "cpu"}, {"-l", "probe"}, {"--files-without-match", "probe"}, {"-i", "-w", "CPU"}, {"kmalloc\\(sizeof\\(\\*\\w+\\), GFP_\\w+\\)"},
};

void generate(const TempTree& t, unsigned seed) {
    std::mt19937 rng(seed);
    const char* lines[] = {"static int foo_probe(struct device *dev)", "\tspin_lock_irqsave(&lock, flags);",
                           "\tspin_unlock_irqrestore(&lock, flags);", "struct file_operations {",
                           "\tp = kmalloc(sizeof(*p), GFP_KERNEL);", "\tq = kzalloc(sizeof(struct foo), GFP_ATOMIC);",
                           "}", "", "#include <linux/cpu.h>", "int cpu = smp_processor_id(); char c;",
                           "u8 val; u16 wide; percpu_ref", "return -EINVAL;", "/* DMA mapping of the ring */",
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ_CONSTANT_NAME", "été en ÉTÉ", "τ = 2π", "xxy xy xxxy",
                           "call a.b() and a.b(", "lock(); work(); unlock();", "mutex_lock(&m);", "12345 67 890",
                           "bar baz\tfoo", "\r"};
    const size_t n = sizeof(lines) / sizeof(lines[0]);
    for (int f = 0; f < 30; ++f) {
        std::string body;
        const int count = static_cast<int>(rng() % 60);
        for (int i = 0; i < count; ++i) {
            body += lines[rng() % n];
            if (rng() % 9 == 0) body += lines[rng() % n];
            body += rng() % 17 == 0 ? "\r\n" : "\n";
        }
        if (rng() % 5 == 0 && !body.empty()) body.pop_back();  // no final newline
        t.write("src/d" + std::to_string(f % 4) + "/f" + std::to_string(f) + (f % 3 ? ".c" : ".h"), body);
    }
}

void compare_all(const TempTree& t) {
    for (const auto& q : kQueries) {
        std::vector<std::string> args = q;
        args.insert(args.end(), {"--sort", "path", "-n", "--no-heading"});
        auto p = run_both(t, args, "", "", "search");
        INFO("args:", idx::test::describe(args), "\nrg:\n", p.rg.out.substr(0, 2000), "\nidx:\n",
             p.idx.out.substr(0, 2000), "\nidx stderr: ", p.idx.err);
        CHECK(p.idx.out == p.rg.out);
        CHECK(p.idx.exit_code == p.rg.exit_code);
    }
}

}  // namespace

TEST_CASE("the bench queries and our own print byte for byte what rg prints, without an index") {
    TempTree t;
    generate(t, 1);
    compare_all(t);
}

TEST_CASE("the bench queries and our own print byte for byte what rg prints, with an index and after changes") {
    TempTree t;
    generate(t, 2);
    auto r = idx::test::run_process({IDX_BINARY, "index", "--no-symbols"}, t.root(), {}, {"IDX_DB"});
    REQUIRE(r.exit_code == 0);
    compare_all(t);
    generate(t, 3);  // every file rewritten after indexing
    compare_all(t);
}

TEST_CASE("the bench queries and our own print byte for byte what rg prints when idx watch spares the walk") {
    TempTree t;
    generate(t, 4);
    idx::test::Watcher w(t, {"--no-symbols"});
    REQUIRE_MESSAGE(idx::test::wait_until_vouched(t), w.log());
    compare_all(t);
    CHECK(idx::test::vouched(t));  // no change during the comparison: every search above skipped the walk
    generate(t, 5);                // every file rewritten
    REQUIRE_MESSAGE(idx::test::wait_until_vouched(t), w.log());
    compare_all(t);
    CHECK(idx::test::vouched(t));
}
