// The RAII owners of tree-sitter's handles (see common/unique_handle.h).
#pragma once

#include <tree_sitter/api.h>

#include "common/unique_handle.h"

namespace idx::indexer {

using TsParser = UniqueHandle<TSParser, &ts_parser_delete>;
using TsTree = UniqueHandle<TSTree, &ts_tree_delete>;
using TsQuery = UniqueHandle<TSQuery, &ts_query_delete>;
using TsQueryCursor = UniqueHandle<TSQueryCursor, &ts_query_cursor_delete>;

}  // namespace idx::indexer
