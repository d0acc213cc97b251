#include "agent/mcp_server.h"

#include <simdjson.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/json_writer.h"

namespace idx::agent {
namespace {

constexpr const char* kLegacyVersion = "2025-11-25";
constexpr size_t kMaxQueued = 256;  // tool calls waiting for a worker; more are refused
constexpr const char* kModernVersion = "2026-07-28";
constexpr const char* kKnownLegacy[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
constexpr const char* kVersionKey = "io.modelcontextprotocol/protocolVersion";
constexpr const char* kCapabilitiesKey = "io.modelcontextprotocol/clientCapabilities";
constexpr const char* kInstructions =
    "idx indexes this repository. Prefer its tools to reading files blindly: map for an overview, sym/def/refs for "
    "symbols, search for text (ripgrep's regex syntax), outline for a file's structure, read for lines. Results "
    "state totals and, when truncated, the offset to continue from.";

enum class Code { kParse = -32700, kInvalidRequest = -32600, kNoMethod = -32601, kBadParams = -32602,
                  kInternal = -32603, kUnsupportedVersion = -32022 };

std::string minify(simdjson::dom::element e) { return simdjson::minify(e); }

struct Call {
    std::string id;  // raw JSON
    std::string tool, arguments;
    std::optional<std::string> progress_token;  // raw JSON
    bool modern = false;
    std::shared_ptr<std::atomic<bool>> cancelled;
};

}  // namespace

struct McpServer::Impl {
    const ToolSet& tools;
    McpOptions opt;
    int out_fd = 1;
    bool legacy = false;  // initialize arrived
    std::mutex out_mu;
    std::atomic<bool> out_closed{false};

    std::mutex q_mu;
    std::condition_variable q_cv;
    std::deque<Call> queue;
    bool stopping = false;
    std::map<std::string, std::shared_ptr<std::atomic<bool>>> active;  // by raw id
    std::vector<std::thread> workers;
    simdjson::dom::parser parser;  // the reader thread's

    Impl(const ToolSet& t, McpOptions o) : tools(t), opt(std::move(o)) {}

    void send(const std::string& message) {
        std::lock_guard lock(out_mu);
        if (out_closed) return;
        std::string line = message + "\n";
        const char* p = line.data();
        size_t n = line.size();
        while (n > 0) {
            const ssize_t w = ::write(out_fd, p, n);
            if (w < 0 && errno == EINTR) continue;
            if (w <= 0) {
                out_closed = true;  // the client went away
                return;
            }
            p += w;
            n -= static_cast<size_t>(w);
        }
    }

    void send_error(const std::string& id, Code code, const std::string& message, const std::string& data = "") {
        JsonWriter j;
        j.begin_object().field("jsonrpc", "2.0").key("id").raw(id.empty() ? "null" : id);
        j.key("error").begin_object().field("code", static_cast<int64_t>(code)).field("message", message);
        if (!data.empty()) j.key("data").raw(data);
        j.end_object().end_object();
        send(j.take());
    }

    // `result` is a JSON object's members without braces ("" for {}).
    void send_result(const std::string& id, const std::string& members, bool modern) {
        std::string body = members;
        if (modern) {
            body += std::string(body.empty() ? "" : ",") + R"("resultType":"complete","_meta":{"io.modelcontextprotocol/serverInfo":{"name":"idx","version":")" +
                    opt.version + "\"}}";
        }
        send(R"({"jsonrpc":"2.0","id":)" + id + R"(,"result":{)" + body + "}}");
    }

    std::string tools_list_members(bool modern) const {
        JsonWriter j;
        j.begin_array();
        for (const auto& d : tools.definitions()) {
            j.begin_object().field("name", d.name).field("title", d.title).field("description", d.description);
            j.key("inputSchema").raw(d.input_schema).key("outputSchema").raw(d.output_schema);
            j.key("annotations").begin_object().field("title", d.title).field("readOnlyHint", true);
            j.field("destructiveHint", false).field("idempotentHint", true).field("openWorldHint", false);
            j.end_object().end_object();
        }
        j.end_array();
        return "\"tools\":" + j.take() + (modern ? R"(,"ttlMs":0,"cacheScope":"public")" : "");
    }

    void run_call(const Call& c) {
        if (c.progress_token && !c.cancelled->load()) {
            send(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":)" + *c.progress_token +
                 R"(,"progress":0,"total":1,"message":"running )" + c.tool + "\"}}");
        }
        CallLimits limits = opt.limits;
        limits.cancel = c.cancelled.get();
        auto out = tools.call(c.tool, c.arguments, limits);
        {
            std::lock_guard lock(q_mu);
            active.erase(c.id);
        }
        if (c.cancelled->load()) return;  // the client cancelled: no response
        if (!out) {
            send_error(c.id, out.error().kind == ErrorKind::kNotFound || out.error().kind == ErrorKind::kInvalidArgument
                                 ? Code::kBadParams
                                 : Code::kInternal,
                       out.error().message);
            return;
        }
        if (c.progress_token) {
            send(R"({"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":)" + *c.progress_token +
                 R"(,"progress":1,"total":1})");
        }
        JsonWriter content;
        content.begin_array().begin_object().field("type", "text").field("text", out->text).end_object().end_array();
        std::string members = "\"content\":" + content.take();
        if (!out->structured.empty()) members += ",\"structuredContent\":" + out->structured;
        members += std::string(",\"isError\":") + (out->is_error ? "true" : "false");
        send_result(c.id, members, c.modern);
    }

    void worker_loop() {
        while (true) {
            Call c;
            {
                std::unique_lock lock(q_mu);
                q_cv.wait(lock, [&] { return stopping || !queue.empty(); });
                if (queue.empty()) return;
                c = std::move(queue.front());
                queue.pop_front();
            }
            if (c.cancelled->load()) {
                std::lock_guard lock(q_mu);
                active.erase(c.id);
                continue;
            }
            run_call(c);
        }
    }

    void handle_notification(std::string_view method, simdjson::dom::element params) {
        if (method != "notifications/cancelled") return;  // initialized, progress, roots...: nothing to do
        simdjson::dom::element id;
        if (params.is_object() && !params["requestId"].get(id)) {
            std::lock_guard lock(q_mu);
            auto it = active.find(minify(id));
            if (it != active.end()) it->second->store(true);
        }
    }

    void handle_line(std::string_view line) {
        simdjson::dom::element doc;
        simdjson::padded_string padded(line);
        if (auto err = parser.parse(padded).get(doc); err) {
            send_error("", Code::kParse, std::string("parse error: ") + simdjson::error_message(err));
            return;
        }
        if (doc.is_array()) {
            send_error("", Code::kInvalidRequest, "batches are not supported (MCP sends one message per line)");
            return;
        }
        if (!doc.is_object()) {
            send_error("", Code::kInvalidRequest, "a request must be a JSON object");
            return;
        }
        simdjson::dom::element id_e, method_e, params, version;
        const bool has_id = !doc["id"].get(id_e);
        std::string id = has_id ? minify(id_e) : "";
        if (has_id && !id_e.is_string() && !id_e.is_int64() && !id_e.is_uint64()) {
            send_error("", Code::kInvalidRequest, "id must be a string or an integer");
            return;
        }
        std::string_view jsonrpc;
        if (doc["jsonrpc"].get(version) || version.get(jsonrpc) || jsonrpc != "2.0") {
            send_error(id, Code::kInvalidRequest, "jsonrpc must be \"2.0\"");
            return;
        }
        std::string_view method;
        if (doc["method"].get(method_e) || method_e.get(method)) {
            if (!doc["result"].error() || !doc["error"].error()) return;  // a response: we send no requests
            send_error(id, Code::kInvalidRequest, "method must be a string");
            return;
        }
        const bool has_params = !doc["params"].get(params);
        if (has_params && !params.is_object()) {
            if (has_id) send_error(id, Code::kBadParams, "params must be an object");
            return;
        }
        if (!has_id) {
            handle_notification(method, has_params ? params : doc);
            return;
        }
        handle_request(id, method, has_params ? std::optional<simdjson::dom::element>(params) : std::nullopt);
    }

    void handle_request(const std::string& id, std::string_view method, std::optional<simdjson::dom::element> params) {
        // The 2026-07-28 revision: the version rides on every request.
        bool modern = false;
        simdjson::dom::element meta, v;
        if (!legacy && method != "initialize" && params && !(*params)["_meta"].get(meta) && meta.is_object() &&
            !meta[kVersionKey].get(v)) {
            std::string_view requested;
            if (v.get(requested) || (requested != kModernVersion && requested != kLegacyVersion)) {
                JsonWriter d;
                d.begin_object().key("supported").begin_array().value(kModernVersion).value(kLegacyVersion).end_array();
                d.key("requested").raw(minify(v)).end_object();
                send_error(id, Code::kUnsupportedVersion, "Unsupported protocol version", d.take());
                return;
            }
            if (meta[kCapabilitiesKey].error()) {
                send_error(id, Code::kBadParams, std::string("params._meta lacks ") + kCapabilitiesKey);
                return;
            }
            modern = true;
        }
        if (method == "initialize") {
            legacy = true;
            std::string version = kLegacyVersion;
            simdjson::dom::element pv;
            std::string_view asked;
            if (params && !(*params)["protocolVersion"].get(pv) && !pv.get(asked)) {
                for (const char* known : kKnownLegacy) {
                    if (asked == known) version = known;
                }
            }
            JsonWriter j;
            j.begin_object().field("protocolVersion", version);
            j.key("capabilities").begin_object().key("tools").begin_object().field("listChanged", false).end_object().end_object();
            j.key("serverInfo").begin_object().field("name", "idx").field("title", "idx code search");
            j.field("version", opt.version).end_object().field("instructions", kInstructions).end_object();
            std::string members = j.take();
            send_result(id, members.substr(1, members.size() - 2), false);
        } else if (method == "ping") {
            send_result(id, "", modern);
        } else if (method == "server/discover") {
            JsonWriter j;
            j.begin_object().key("supportedVersions").begin_array().value(kModernVersion).value(kLegacyVersion).end_array();
            j.key("capabilities").begin_object().key("tools").begin_object().end_object().end_object();
            j.field("instructions", kInstructions).field("ttlMs", static_cast<int64_t>(0)).field("cacheScope", "public");
            j.end_object();
            std::string members = j.take();
            send_result(id, members.substr(1, members.size() - 2), true);
        } else if (method == "tools/list") {
            send_result(id, tools_list_members(modern), modern);
        } else if (method == "tools/call") {
            start_call(id, params, modern);
        } else {
            send_error(id, Code::kNoMethod, "method not found: " + std::string(method));
        }
    }

    void start_call(const std::string& id, std::optional<simdjson::dom::element> params, bool modern) {
        simdjson::dom::element name_e, args_e, meta, token;
        std::string_view name;
        if (!params || (*params)["name"].get(name_e) || name_e.get(name)) {
            send_error(id, Code::kBadParams, "tools/call needs params.name, a string");
            return;
        }
        Call c;
        c.id = id;
        c.tool = std::string(name);
        c.modern = modern;
        if (!(*params)["arguments"].get(args_e) && !args_e.is_null()) {
            if (!args_e.is_object()) {
                send_error(id, Code::kBadParams, "tools/call params.arguments must be an object");
                return;
            }
            c.arguments = minify(args_e);
        }
        bool known = false;
        for (const auto& d : tools.definitions()) known = known || d.name == c.tool;
        if (!known) {
            send_error(id, Code::kBadParams, "Unknown tool: " + c.tool);
            return;
        }
        if (!(*params)["_meta"].get(meta) && meta.is_object() && !meta["progressToken"].get(token) &&
            (token.is_string() || token.is_int64() || token.is_uint64())) {
            c.progress_token = minify(token);
        }
        c.cancelled = std::make_shared<std::atomic<bool>>(false);
        const char* refused = nullptr;
        {
            std::lock_guard lock(q_mu);
            if (active.count(id)) {
                refused = "a request with this id is still running";
            } else if (queue.size() >= kMaxQueued) {
                refused = "too many tool calls waiting; retry later";
            } else {
                active[id] = c.cancelled;
                queue.push_back(std::move(c));
            }
        }
        if (refused) {
            send_error(id, refused[0] == 'a' ? Code::kInvalidRequest : Code::kInternal, refused);
            return;
        }
        q_cv.notify_one();
    }
};

McpServer::McpServer(const ToolSet& tools, McpOptions options) : impl_(new Impl(tools, std::move(options))) {}

McpServer::~McpServer() {
    {
        std::lock_guard lock(impl_->q_mu);
        impl_->stopping = true;
    }
    impl_->q_cv.notify_all();
    for (auto& t : impl_->workers) t.join();
    delete impl_;
}

int McpServer::serve(int in_fd, int out_fd) {
    Impl& s = *impl_;
    s.out_fd = out_fd;
    for (unsigned i = 0; i < std::max(1u, s.opt.workers); ++i) s.workers.emplace_back([&s] { s.worker_loop(); });
    std::string line;
    bool skipping = false;  // inside an oversized line
    char buf[1 << 16];
    int status = 0;
    while (true) {
        const ssize_t n = ::read(in_fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            status = 2;
            break;
        }
        if (n == 0) break;
        size_t start = 0;
        for (size_t i = 0; i < static_cast<size_t>(n); ++i) {
            if (buf[i] != '\n') continue;
            if (!skipping) {
                line.append(buf + start, i - start);
                if (!line.empty() && line.back() == '\r') line.pop_back();
                if (line.find_first_not_of(" \t") != std::string::npos) s.handle_line(line);
            }
            line.clear();
            skipping = false;
            start = i + 1;
        }
        if (!skipping) {
            line.append(buf + start, static_cast<size_t>(n) - start);
            if (line.size() > s.opt.max_message_bytes) {
                s.send_error("", Code::kParse, "message larger than " + std::to_string(s.opt.max_message_bytes) +
                                                   " bytes; skipped");
                line.clear();
                skipping = true;
            }
        }
        if (s.out_closed.load()) break;
    }
    if (!skipping && line.find_first_not_of(" \t\r") != std::string::npos) s.handle_line(line);  // last line, no '\n'
    {
        // End of input: the calls already received are answered (each
        // within its deadline; a pipe of requests then EOF is a valid
        // client). A closed stdout: nobody reads answers, so they stop now.
        std::lock_guard lock(s.q_mu);
        s.stopping = true;
        if (s.out_closed.load()) {
            for (auto& [id, flag] : s.active) flag->store(true);
        }
    }
    s.q_cv.notify_all();
    for (auto& t : s.workers) t.join();
    s.workers.clear();
    return status;
}

}  // namespace idx::agent
