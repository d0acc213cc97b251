// idx mcp, driven as a real process over pipes: both MCP revisions, every
// error class, cancellation that stops the work, deadlines, and hostile
// input. (tests/mcp/inspector_test.cpp adds the real MCP Inspector CLI.)
#include <doctest/doctest.h>
#include <simdjson.h>

#include <string>
#include <thread>

#include "tests/support/child.h"
#include "tests/support/temp_tree.h"

using idx::test::Child;
using idx::test::TempTree;

namespace {

struct Reply {
    std::string raw;
    simdjson::dom::parser parser;
    simdjson::dom::element doc;
    bool parse(const std::string& line) {
        raw = line;
        return !parser.parse(raw).get(doc);
    }
    int64_t error_code() {
        int64_t c = 0;
        return doc["error"]["code"].get(c) ? 0 : c;
    }
    std::string str(const char* pointer) {
        std::string_view v;
        return doc.at_pointer(pointer).get(v) ? std::string() : std::string(v);
    }
    int64_t num(const char* pointer) {
        int64_t v = -1;
        return doc.at_pointer(pointer).get(v) ? -1 : v;
    }
    bool flag(const char* pointer) {
        bool v = false;
        return !doc.at_pointer(pointer).get(v) && v;
    }
    bool has(const char* pointer) { return !doc.at_pointer(pointer).error(); }
};

struct Server {
    TempTree t;
    std::unique_ptr<Child> child;
    explicit Server(std::vector<std::string> extra = {}, bool index = true) {
        t.write("src/lib.c", "int shared_helper(int x)\n{\n    return x * 2;\n}\n");
        t.write("src/main.c", "int shared_helper(int);\nint main(void)\n{\n    return shared_helper(21);\n}\n");
        t.write("README.md", "A tiny project.\n");
        if (index) {
            Child ix({IDX_BINARY, "index"}, t.root());
            ix.close_stdin();
            REQUIRE(ix.wait(std::chrono::seconds(60)) == 0);
        }
        start(std::move(extra));
    }
    void start(std::vector<std::string> extra) {
        std::vector<std::string> argv{IDX_BINARY, "mcp"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        child = std::make_unique<Child>(argv, t.root());
    }
    void send(const std::string& line) { REQUIRE(child->write_line(line)); }
    void expect(Reply& r, std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
        auto line = child->read_line(timeout);
        REQUIRE(line.has_value());
        INFO(*line);
        REQUIRE(r.parse(*line));
    }
    void initialize() {
        send(R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"test","version":"1"}}})");
        Reply r;
        expect(r);
        REQUIRE(r.str("/result/protocolVersion") == "2025-11-25");
        send(R"({"jsonrpc":"2.0","method":"notifications/initialized"})");
    }
};

constexpr const char* kModernMeta =
    R"("_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28","io.modelcontextprotocol/clientCapabilities":{}})";

}  // namespace

TEST_CASE("idx mcp answers initialize, tools/list and tools/call in the 2025-11-25 revision") {
    Server s;
    s.initialize();
    s.send(R"({"jsonrpc":"2.0","id":1,"method":"tools/list"})");
    Reply list;
    s.expect(list);
    simdjson::dom::array tools;
    REQUIRE(!list.doc["result"]["tools"].get(tools));
    std::vector<std::string> names;
    for (auto tool : tools) {
        std::string_view n;
        REQUIRE(!tool["name"].get(n));
        names.emplace_back(n);
        simdjson::dom::element schema;
        REQUIRE(!tool["inputSchema"].get(schema));
        CHECK(schema["anyOf"].error());  // no root anyOf
        CHECK(!tool["outputSchema"].error());
    }
    for (const char* want : {"search", "files", "read", "def", "refs", "sym", "outline", "map", "query", "status"}) {
        CHECK(std::find(names.begin(), names.end(), want) != names.end());
    }
    CHECK(list.has("/result/resultType") == false);  // legacy shape

    s.send(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"def","arguments":{"name":"shared_helper"}}})");
    Reply def;
    s.expect(def);
    CHECK(def.num("/id") == 2);
    CHECK(def.flag("/result/isError") == false);
    CHECK(def.str("/result/content/0/text").find("src/lib.c:1:5: function shared_helper") != std::string::npos);
    CHECK(def.num("/result/structuredContent/total") == 2);  // the function, then the prototype
    CHECK(def.str("/result/structuredContent/results/0/path") == "src/lib.c");

    s.send(R"({"jsonrpc":"2.0","id":"p","method":"ping"})");
    Reply ping;
    s.expect(ping);
    CHECK(ping.str("/id") == "p");
    CHECK(ping.has("/result"));
}

TEST_CASE("idx mcp serves the 2026-07-28 revision without initialize, and refuses unknown versions with -32022") {
    Server s;
    s.send(std::string(R"({"jsonrpc":"2.0","id":"d","method":"server/discover","params":{)") + kModernMeta + "}}");
    Reply d;
    s.expect(d);
    CHECK(d.str("/result/resultType") == "complete");
    CHECK(d.str("/result/supportedVersions/0") == "2026-07-28");
    CHECK(d.str("/result/_meta/io.modelcontextprotocol~1serverInfo/name") == "idx");

    s.send(std::string(R"({"jsonrpc":"2.0","id":1,"method":"tools/list","params":{)") + kModernMeta + "}}");
    Reply list;
    s.expect(list);
    CHECK(list.str("/result/resultType") == "complete");
    CHECK(list.has("/result/ttlMs"));
    CHECK(list.str("/result/cacheScope") == "public");

    s.send(std::string(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"sym","arguments":{"query":"shrdhlp"},)") +
           kModernMeta + "}}");
    Reply call;
    s.expect(call);
    CHECK(call.str("/result/resultType") == "complete");
    CHECK(call.str("/result/content/0/text").find("shared_helper") != std::string::npos);

    s.send(R"({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"1999-01-01","io.modelcontextprotocol/clientCapabilities":{}}}})");
    Reply bad;
    s.expect(bad);
    CHECK(bad.error_code() == -32022);
    CHECK(bad.str("/error/data/requested") == "1999-01-01");
    CHECK(bad.str("/error/data/supported/0") == "2026-07-28");

    s.send(R"({"jsonrpc":"2.0","id":4,"method":"tools/list","params":{"_meta":{"io.modelcontextprotocol/protocolVersion":"2026-07-28"}}})");
    Reply nocaps;
    s.expect(nocaps);
    CHECK(nocaps.error_code() == -32602);
}

TEST_CASE("idx mcp maps bad input to JSON-RPC errors and keeps serving") {
    Server s;
    s.initialize();
    struct Case {
        std::string line;
        int64_t code;
    };
    const std::vector<Case> cases = {
        {"this is not json", -32700},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/list")", -32700},  // truncated
        {R"([{"jsonrpc":"2.0","id":1,"method":"ping"}])", -32600},      // a batch
        {R"("just a string")", -32600},
        {R"({"jsonrpc":"1.0","id":1,"method":"ping"})", -32600},
        {R"({"jsonrpc":"2.0","id":{"x":1},"method":"ping"})", -32600},
        {R"({"jsonrpc":"2.0","id":1,"method":42})", -32600},
        {R"({"jsonrpc":"2.0","id":1,"method":"no/such/method"})", -32601},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"no_such_tool"}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":[1,2]}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{}}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"pattern":7}}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{"path":"x","limit":-5}}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"def","arguments":{"name":"x","bogus":1}}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read","arguments":{"path":"x","offset":1e300}}})", -32602},
        {R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"pattern":"x","head_limit":18446744073709551615}}})", -32602},
    };
    for (const auto& c : cases) {
        s.send(c.line);
        Reply r;
        s.expect(r);
        INFO(c.line << " -> " << r.raw);
        CHECK(r.error_code() == c.code);
    }
    // A tool whose work fails: a result with isError, not a protocol error.
    s.send(R"({"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"search","arguments":{"pattern":"(unclosed"}}})");
    Reply failed;
    s.expect(failed);
    CHECK(failed.flag("/result/isError"));
    s.send(R"({"jsonrpc":"2.0","id":10,"method":"tools/call","params":{"name":"read","arguments":{"path":"/etc/passwd"}}})");
    Reply outside;
    s.expect(outside);
    CHECK(outside.flag("/result/isError"));
    CHECK(outside.str("/result/content/0/text").find("outside the project") != std::string::npos);
    s.t.symlink("/etc/passwd", "escape");
    for (const char* escape : {"../../../../etc/passwd", "src/../../etc/passwd", "escape"}) {
        s.send(std::string(R"({"jsonrpc":"2.0","id":12,"method":"tools/call","params":{"name":"read","arguments":{"path":")") +
               escape + "\"}}}");
        Reply r;
        s.expect(r);
        INFO(escape);
        CHECK(r.flag("/result/isError"));
        CHECK(r.str("/result/content/0/text").find("root:") == std::string::npos);
    }
    // An oversized line is refused and skipped; the next request is served.
    s.send(std::string(5 << 20, 'x'));
    Reply big;
    s.expect(big);
    CHECK(big.error_code() == -32700);
    s.send(R"({"jsonrpc":"2.0","id":11,"method":"ping"})");
    Reply after;
    s.expect(after);
    CHECK(after.num("/id") == 11);
    // Nothing but protocol on stdout: end of input ends the server cleanly.
    s.child->close_stdin();
    CHECK(s.child->wait(std::chrono::seconds(10)) == 0);
    CHECK_FALSE(s.child->read_line(std::chrono::milliseconds(100)).has_value());
}

TEST_CASE("results state totals, truncation with the offset to continue, and why they are empty") {
    Server s;
    s.initialize();
    s.send(R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search","arguments":{"pattern":"shared_helper","output_mode":"content","head_limit":1}}})");
    Reply page;
    s.expect(page);
    CHECK(page.num("/result/structuredContent/total") == 3);
    CHECK(page.flag("/result/structuredContent/truncated"));
    CHECK(page.num("/result/structuredContent/next_offset") == 1);
    CHECK(page.str("/result/content/0/text").find("offset=1") != std::string::npos);
    s.send(R"({"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"search","arguments":{"pattern":"shared_helper","output_mode":"content","offset":1}}})");
    Reply rest;
    s.expect(rest);
    CHECK(rest.num("/result/structuredContent/returned") == 2);
    s.send(R"({"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"search","arguments":{"pattern":"no_such_text_zzz"}}})");
    Reply none;
    s.expect(none);
    CHECK(none.str("/result/structuredContent/empty_reason/code") == "no_match");
    s.send(R"({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"outline","arguments":{"path":"README.md"}}})");
    Reply unsupported;
    s.expect(unsupported);
    CHECK(unsupported.str("/result/structuredContent/empty_reason/code") == "unsupported_language");
    s.send(R"({"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"read","arguments":{"path":"src/main.c","offset":2,"limit":2}}})");
    Reply read;
    s.expect(read);
    CHECK(read.str("/result/content/0/text").find("     2\tint main(void)\n     3\t{\n") != std::string::npos);
    CHECK(read.num("/result/structuredContent/next_offset") == 4);  // read's offsets are line numbers
}

TEST_CASE("a cancelled call gets no response and its work stops; a deadline ends a call with an incomplete result") {
    Server s({"--deadline-ms", "60000"}, false);
    // Enough C to keep the query tool parsing for several seconds.
    std::string body;
    for (int i = 0; i < 1500; ++i) body += "static int f" + std::to_string(i) + "(int a) { return a + " + std::to_string(i) + "; }\n";
    for (int f = 0; f < 600; ++f) s.t.write("gen/f" + std::to_string(f) + ".c", body);
    s.initialize();
    s.send(R"({"jsonrpc":"2.0","id":"slow","method":"tools/call","params":{"name":"query","arguments":{"query":"(goto_statement) @g","lang":"c"}}})");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long busy0 = s.child->cpu_ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const long busy1 = s.child->cpu_ticks();
    CHECK(busy1 - busy0 > 5);  // it is working
    s.send(R"({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"slow","reason":"test"}})");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long idle0 = s.child->cpu_ticks();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const long idle1 = s.child->cpu_ticks();
    CHECK(idle1 - idle0 <= 5);  // the work stopped (ticks are 10 ms)
    s.send(R"({"jsonrpc":"2.0","id":"after","method":"ping"})");
    Reply r;
    s.expect(r);
    CHECK(r.str("/id") == "after");  // no response to "slow" came first

    // Deadline: a server with a 300 ms deadline answers the same call as incomplete.
    s.child->close_stdin();
    s.start({"--deadline-ms", "300"});
    s.initialize();
    const auto t0 = std::chrono::steady_clock::now();
    s.send(R"({"jsonrpc":"2.0","id":"dl","method":"tools/call","params":{"name":"query","arguments":{"query":"(goto_statement) @g","lang":"c"}}})");
    Reply dl;
    s.expect(dl);
    const auto took = std::chrono::steady_clock::now() - t0;
    CHECK(took < std::chrono::seconds(3));
    CHECK(dl.flag("/result/structuredContent/complete") == false);
    CHECK(dl.str("/result/content/0/text").find("INCOMPLETE") != std::string::npos);
}
