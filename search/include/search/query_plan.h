// plan_query(): turns a SearchRequest's regexes into a TrigramQuery that
// every file holding a matching line satisfies (codesearch's analysis,
// Russ Cox 2012). Pure: no index, no regex engine.
//
// Contract: the plan may admit files that do not match (verification
// decides), but never excludes one that does. tests/search/query_plan_test
// checks this against a regex engine on thousands of random cases.
#pragma once

#include "search/search_request.h"
#include "search/trigram_query.h"

namespace idx::search {

TrigramQuery plan_query(const SearchRequest& request);

}  // namespace idx::search
