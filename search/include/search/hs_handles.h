// The RAII owners of Hyperscan's C handles (see common/unique_handle.h).
#pragma once

#include <hs/hs.h>

#include "common/unique_handle.h"

namespace idx::search {

inline void free_database(hs_database_t* db) { hs_free_database(db); }
inline void free_scratch(hs_scratch_t* s) { hs_free_scratch(s); }
inline void free_compile_error(hs_compile_error_t* e) { hs_free_compile_error(e); }

using HsDatabase = UniqueHandle<hs_database_t, &free_database>;
using HsScratch = UniqueHandle<hs_scratch_t, &free_scratch>;
using HsCompileError = UniqueHandle<hs_compile_error_t, &free_compile_error>;

}  // namespace idx::search
