// HttpClient: a POST whose response body is streamed to a callback, over
// libcurl. Made for LLM APIs: the reply is an event stream that may stall,
// be cut off or be cancelled by the user (Ctrl-C) at any moment.
//
// One HttpClient owns one CURL easy handle and reuses its connections between
// requests; it is not thread-safe (use one per thread). libcurl's global
// state is initialised once per process on first construction.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "common/unique_handle.h"

namespace idx::agent {

inline void free_curl(CURL* c) { curl_easy_cleanup(c); }
inline void free_slist(curl_slist* l) { curl_slist_free_all(l); }

using CurlHandle = UniqueHandle<CURL, &free_curl>;
using CurlSlist = UniqueHandle<curl_slist, &free_slist>;

using Clock = std::chrono::steady_clock;

// When to give up on a request. The cancel flag and the deadline are checked
// on every received chunk and at least about once a second while idle.
struct TransferLimits {
    std::chrono::milliseconds connect_timeout{15'000};
    // A stream that delivers nothing for this long is abandoned (a stalled
    // server). LLMs can think for a while before the first token, so this is
    // generous; the deadline is the hard bound.
    std::chrono::milliseconds stall_timeout{120'000};
    Clock::time_point deadline = Clock::time_point::max();
    const std::atomic<bool>* cancel = nullptr;  // set to true from any thread or a signal handler
};

struct HttpStatus {
    long code = 0;             // the HTTP status
    std::string content_type;  // as sent, e.g. "text/event-stream; charset=utf-8"; may be empty
    // Non-2xx responses only: the first 64 KiB of the body (the provider's
    // JSON error), which is not passed to the callback.
    std::string error_body;
    // on_bytes returned false: the caller ended the transfer itself and knows why.
    bool stopped = false;
    // The Retry-After header in milliseconds (seconds or an HTTP date
    // converted), -1 when absent.
    int64_t retry_after_ms = -1;
    bool ok() const noexcept { return code >= 200 && code < 300; }
};

// Receives the 2xx response body as it arrives, in chunks of any size.
// Returning false ends the transfer (HttpStatus::stopped).
using ByteSink = std::function<bool(std::string_view)>;

class HttpClient {
public:
    HttpClient();

    // POSTs `body` to `url` with `headers` ("Name: value" each). Returns the
    // status for any complete HTTP exchange, 2xx or not. Errors: kInvalidArgument
    // for a malformed or unsupported URL; kIo for connection failures, a
    // stream cut short, a stall, the deadline (message says "timed out") and
    // cancellation (message says "cancelled"). A stop by on_bytes is not an error.
    Expected<HttpStatus> post_stream(const std::string& url, const std::vector<std::string>& headers,
                                     std::string_view body, const ByteSink& on_bytes,
                                     const TransferLimits& limits = {});

private:
    CurlHandle curl_;
};

}  // namespace idx::agent
