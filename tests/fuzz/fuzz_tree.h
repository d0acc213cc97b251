// The small source tree the tool fuzzers work in (their working directory),
// so that every tool call has real files, symbols and an index to read.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <simdjson.h>

namespace idx::fuzz {

inline void write_file(const std::string& path, std::string_view text) {
    FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) std::abort();
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
}

// Creates the tree in a new directory under $TMPDIR (default /tmp), changes
// into it, and returns its path. scripts/fuzz.sh removes it afterwards.
inline std::string enter_fuzz_tree() {
    const char* tmp = std::getenv("TMPDIR");
    std::string dir = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/idx-fuzz-XXXXXX";
    if (::mkdtemp(dir.data()) == nullptr) std::abort();
    const std::string root = dir;
    ::mkdir((root + "/src").c_str(), 0755);
    ::mkdir((root + "/.idx").c_str(), 0755);
    write_file(root + "/src/lib.c",
               "#include <stdlib.h>\nstruct point { int x, y; };\n"
               "int shared_helper(int a) { return a * 2; }\n"
               "static void *make(size_t n) { return malloc(n); }\n");
    write_file(root + "/src/main.c", "int shared_helper(int);\nint main(void) { return shared_helper(21); }\n");
    write_file(root + "/src/tool.py", "class Tool:\n    def run(self, x):\n        return helper(x)\n\n"
                                      "def helper(x):\n    return x + 1\n");
    write_file(root + "/README.md", "# sample\nshared_helper doubles.\n");
    // More than kTagsPerPart tags: its blob is stored in parts (symbol_codec.h).
    std::string many;
    for (int i = 0; i < 150; ++i) many += "#define REG_" + std::to_string(i) + " " + std::to_string(i) + "\n";
    write_file(root + "/src/regs.h", many + "int shared_helper(int);\n");
    if (::chdir(root.c_str()) != 0) std::abort();
    return root;
}

// Whether `text` is one well-formed JSON value.
inline bool is_json(std::string_view text) {
    static simdjson::dom::parser parser;  // fuzz targets run on one thread
    simdjson::padded_string copy(text);
    return !parser.parse(copy).error();
}

}  // namespace idx::fuzz
