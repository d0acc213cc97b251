// Fuzzes opening an index file made of corrupted bytes: every tool that
// reads the index (status, search's filter, def, refs, sym, outline, map)
// runs on it. Check: no crash; each call returns an error or a result.
//
// The seed is a real index of the fuzz tree: run the target with
// IDX_FUZZ_MAKE_SEED=FILE and it writes one there and exits.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "agent/tool_set.h"
#include "indexer/index_builder.h"
#include "tests/fuzz/fuzz_tree.h"

using namespace idx::agent;

namespace {

std::string g_db;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    const std::string root = idx::fuzz::enter_fuzz_tree();
    g_db = root + "/.idx/index.db";
    if (const char* seed = std::getenv("IDX_FUZZ_MAKE_SEED")) {
        idx::indexer::IndexOptions o;
        o.root = root;
        o.db_path = g_db;
        if (!idx::indexer::build_index(o, nullptr)) std::abort();
        std::ifstream from(g_db, std::ios::binary);
        std::ofstream to(seed, std::ios::binary);
        to << from.rdbuf();
        std::exit(to ? 0 : 1);
    }
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const ToolSet tools;
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) ::unlink((g_db + suffix).c_str());
    idx::fuzz::write_file(g_db, std::string_view(reinterpret_cast<const char*>(data), size));
    CallLimits limits;
    limits.deadline = std::chrono::milliseconds(2000);
    limits.token_budget = 500;
    static const std::pair<const char*, const char*> kCalls[] = {
        {"status", "{}"},
        {"search", R"({"pattern":"shared_helper","output_mode":"content"})"},
        {"def", R"({"name":"shared_helper"})"},
        {"refs", R"({"name":"shared_helper"})"},
        {"sym", R"({"query":"shhlp"})"},
        {"outline", R"({"path":"src/lib.c"})"},
        {"map", "{}"},
    };
    for (const auto& [name, args] : kCalls) (void)tools.call(name, args, limits);
    return 0;
}
