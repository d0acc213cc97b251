#include "agent/http_client.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <mutex>

namespace idx::agent {
namespace {

constexpr size_t kMaxErrorBody = size_t{64} << 10;

// What the C callbacks share with post_stream(); lives on its stack.
struct Transfer {
    CURL* curl = nullptr;
    const ByteSink* sink = nullptr;
    const TransferLimits* limits = nullptr;
    HttpStatus status;
    bool status_read = false;
    bool cancelled = false;
    bool deadline_hit = false;
};

// Sets the flags and returns true when the transfer must end now.
bool must_stop(Transfer& t) {
    if (t.limits->cancel != nullptr && t.limits->cancel->load(std::memory_order_relaxed)) t.cancelled = true;
    if (Clock::now() >= t.limits->deadline) t.deadline_hit = true;
    return t.cancelled || t.deadline_hit;
}

void read_status(Transfer& t) {
    if (t.status_read) return;
    t.status_read = true;
    curl_easy_getinfo(t.curl, CURLINFO_RESPONSE_CODE, &t.status.code);
    char* ctype = nullptr;
    if (curl_easy_getinfo(t.curl, CURLINFO_CONTENT_TYPE, &ctype) == CURLE_OK && ctype != nullptr) {
        t.status.content_type = ctype;
    }
}

size_t on_write(char* ptr, size_t size, size_t nmemb, void* userdata) {
    auto& t = *static_cast<Transfer*>(userdata);
    const size_t n = size * nmemb;
    if (n == 0) return 0;
    read_status(t);  // the headers are complete once the body starts
    if (must_stop(t)) return 0;  // any value but n fails the transfer
    if (!t.status.ok()) {
        const size_t room = kMaxErrorBody - std::min(kMaxErrorBody, t.status.error_body.size());
        t.status.error_body.append(ptr, std::min(room, n));
        return n;
    }
    if (!(*t.sink)(std::string_view(ptr, n))) {
        t.status.stopped = true;
        return 0;
    }
    return n;
}

// Reads Retry-After (delta seconds, or an HTTP date) from the headers.
size_t on_header(char* buffer, size_t size, size_t nitems, void* userdata) {
    auto& t = *static_cast<Transfer*>(userdata);
    const size_t n = size * nitems;
    std::string_view h(buffer, n);
    constexpr std::string_view kName = "retry-after:";
    if (h.size() > kName.size()) {
        bool match = true;
        for (size_t i = 0; i < kName.size() && match; ++i) match = std::tolower(static_cast<unsigned char>(h[i])) == kName[i];
        if (match) {
            std::string v(h.substr(kName.size()));
            while (!v.empty() && (v.back() == '\r' || v.back() == '\n' || v.back() == ' ')) v.pop_back();
            while (!v.empty() && v.front() == ' ') v.erase(0, 1);
            char* end = nullptr;
            const double secs = std::strtod(v.c_str(), &end);
            if (end != v.c_str() && *end == '\0' && secs >= 0 && secs < 86400) {
                t.status.retry_after_ms = static_cast<int64_t>(secs * 1000);
            } else {
                const time_t when = curl_getdate(v.c_str(), nullptr);
                if (when > 0) t.status.retry_after_ms = std::max<int64_t>(0, (when - std::time(nullptr)) * 1000);
            }
        }
    }
    return n;
}

int on_progress(void* userdata, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return must_stop(*static_cast<Transfer*>(userdata)) ? 1 : 0;
}

long to_seconds(std::chrono::milliseconds ms) {
    return std::max<long>(1, static_cast<long>((ms.count() + 999) / 1000));
}

Error transfer_error(CURLcode rc, const Transfer& t, const std::string& url, const char* errbuf,
                     const TransferLimits& limits) {
    const std::string detail = errbuf[0] != '\0' ? std::string(errbuf) : curl_easy_strerror(rc);
    if (t.cancelled) return Error::io("POST " + url + ": cancelled");
    if (t.deadline_hit || (rc == CURLE_OPERATION_TIMEDOUT && Clock::now() >= limits.deadline)) {
        return Error::io("POST " + url + ": timed out (the deadline passed)");
    }
    switch (rc) {
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL:
            return Error::invalid("bad URL " + url + ": " + detail);
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
            return Error::io("cannot connect to " + url + ": " + detail);
        case CURLE_OPERATION_TIMEDOUT:
            if (t.status.code == 0) return Error::io("POST " + url + ": timed out connecting: " + detail);
            return Error::io("POST " + url + ": timed out: the stream stalled, nothing received for " +
                             std::to_string(to_seconds(limits.stall_timeout)) + " s");
        case CURLE_PARTIAL_FILE:
        case CURLE_RECV_ERROR:
        case CURLE_SEND_ERROR:
        case CURLE_GOT_NOTHING: {
            // A reset or cut connection: worth a retry.
            Error e = Error::io("POST " + url + ": the connection closed before the response was complete (" +
                                detail + ")");
            e.retry_after_ms = 0;
            return e;
        }
        default:
            return Error::io("POST " + url + ": " + detail);
    }
}

}  // namespace

HttpClient::HttpClient() {
    // curl_global_init is not thread-safe in every libcurl; do it once, and
    // never clean up (other libraries in the process may use libcurl too).
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    curl_.reset(curl_easy_init());
}

Expected<HttpStatus> HttpClient::post_stream(const std::string& url, const std::vector<std::string>& headers,
                                             std::string_view body, const ByteSink& on_bytes,
                                             const TransferLimits& limits) {
    if (!curl_) return Error{ErrorKind::kInternal, "cannot create a libcurl handle"};
    CURL* c = curl_.get();
    curl_easy_reset(c);  // keeps the connection cache; options are set afresh below

    Transfer t;
    t.curl = c;
    t.sink = &on_bytes;
    t.limits = &limits;
    if (must_stop(t)) return transfer_error(CURLE_ABORTED_BY_CALLBACK, t, url, "", limits);

    CurlSlist list;
    for (const auto& h : headers) {
        curl_slist* next = curl_slist_append(list.get(), h.c_str());
        if (next == nullptr) return Error{ErrorKind::kInternal, "out of memory building HTTP headers"};
        list.release();
        list.reset(next);
    }
    // Without this libcurl sends "Expect: 100-continue" for large bodies and
    // waits a round trip (or a second, against servers that ignore it).
    curl_slist* next = curl_slist_append(list.get(), "Expect:");
    if (next == nullptr) return Error{ErrorKind::kInternal, "out of memory building HTTP headers"};
    list.release();
    list.reset(next);

    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
#if LIBCURL_VERSION_NUM >= 0x075500
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
    curl_easy_setopt(c, CURLOPT_USERAGENT, "idx");
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM for DNS timeouts: we may be in a thread
    curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, &on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, &t);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(limits.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, to_seconds(limits.stall_timeout));
    if (limits.deadline != Clock::time_point::max()) {
        // A backstop for the progress callback, which runs only about once a
        // second while nothing arrives.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(limits.deadline - Clock::now());
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, std::max<long>(1, static_cast<long>(left.count())));
    }

    const CURLcode rc = curl_easy_perform(c);
    read_status(t);
    // The handle must not keep pointers to this frame (errbuf, t, the header
    // list) once it returns.
    curl_easy_reset(c);
    if (rc == CURLE_OK) return std::move(t.status);
    if (rc == CURLE_WRITE_ERROR && t.status.stopped) return std::move(t.status);
    // A provider's error reply cut short still says more than the transport error.
    if (t.status.code != 0 && !t.status.ok() && !t.cancelled && !t.deadline_hit) return std::move(t.status);
    return transfer_error(rc, t, url, errbuf, limits);
}

}  // namespace idx::agent
