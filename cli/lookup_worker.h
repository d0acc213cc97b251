// What a lookup server worker runs (lookup_server.h): a client's lookup over
// an index session the worker keeps open, and the symbol dictionary its
// workers share in memory.
#pragma once

#include <string>

#include "lookup_server.h"

namespace idx::cli {

// The handlers of the workers serving the index at `db_path`: each keeps
// its own session (its own SQLite connection), opened again when the index
// file is replaced, and all share one decoded dictionary.
LookupServer::HandlerFactory lookup_handlers(std::string db_path);

}  // namespace idx::cli
