// The lookup channel: `idx def/refs/sym/outline` answered by `idx watch`,
// whose warm process has the index open and mapped already.
//
// A lookup's own work is a fraction of a millisecond; starting a process
// that opens SQLite and faults the index in costs ~2 ms more. So the `idx`
// executable (a small static client, cli/idx_client.c) hands the command
// line to the watcher of the index, when one runs, together with its stdout
// and stderr, and exits with the code the watcher's run of the same command
// returned. The output is the same bytes a local run prints: the same code
// writes it, straight to the client's descriptors. This header is the
// watcher's half; idx_client.c, in C, is the client's.
//
// Protocol, over a SOCK_SEQPACKET socket at lookup_socket_path(db)
// (mode 0600; each side checks that the other runs as the same user):
//   client: request (encode_lookup_request)
//   server: "run" (it will answer) or "no" (the client runs it itself)
//   client: "go", carrying its stdout and stderr (SCM_RIGHTS)
//   server: "started", then "exit <code>" after the command has written
//           its output
// The descriptors travel only after the server took the request, and the
// server writes only after "started"; a client that gave up waiting, or
// whose request was dropped before "started", runs the lookup itself, so
// it never gets the answer twice. The server stops writing when the
// client's end of the socket closes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "common/unique_handle.h"
#include "indexer/index_locator.h"

namespace idx::cli {

struct LookupRequest {
    std::string cwd;                 // the client's working directory (absolute)
    indexer::IndexLocation where;    // the index the client found from there
    std::vector<std::string> args;   // argv[1..]: the subcommand and its arguments
};

// Requests larger than this are run by the client itself (idx_client.c's
// MAX_REQUEST).
inline constexpr size_t kMaxLookupRequest = 64 * 1024;

// The request as the client sends it, one message: "idx-lookup/1 <idx
// version>", cwd, db, root, root_in_meta ("0" or "1"), then the arguments,
// each ending in NUL (a watcher of another build declines). nullopt for
// anything but a well-formed request of this very build.
std::optional<LookupRequest> decode_lookup_request(std::string_view message);

// One whole message from a lookup socket within `timeout_ms` (-1: no
// limit), with the descriptors it carries in `fds` (close-on-exec; closed
// when `fds` is null). nullopt on a timeout, a closed connection, or a
// message or control data too big to take whole.
std::optional<std::string> receive_lookup_message(int fd, int timeout_ms, std::vector<UniqueFd>* fds = nullptr);

}  // namespace idx::cli
