#include "tool_args.h"

#include <algorithm>

namespace idx::agent {
namespace {

Error bad(std::string_view key, const std::string& why) {
    return Error::invalid("argument '" + std::string(key) + "' " + why);
}

}  // namespace

Expected<ToolArgs> ToolArgs::parse(std::string_view json) {
    ToolArgs a;
    if (json.find_first_not_of(" \t\r\n") == std::string_view::npos || json == "null") return a;
    if (json.size() > (size_t{1} << 20)) return Error::invalid("tool arguments larger than 1 MiB");
    a.parser_ = std::make_unique<simdjson::dom::parser>();
    simdjson::dom::element root;
    if (auto err = a.parser_->parse(json.data(), json.size()).get(root); err) {
        return Error::invalid(std::string("tool arguments are not valid JSON: ") + simdjson::error_message(err));
    }
    if (root.type() != simdjson::dom::element_type::OBJECT) return Error::invalid("tool arguments must be a JSON object");
    a.object_ = simdjson::dom::object(root);
    a.empty_ = false;
    return a;
}

Expected<std::optional<std::string>> ToolArgs::string(std::string_view key) const {
    if (empty_) return std::optional<std::string>();
    simdjson::dom::element e;
    if (object_.at_key(key).get(e)) return std::optional<std::string>();
    if (e.is_null()) return std::optional<std::string>();
    std::string_view v;
    if (e.get(v)) return bad(key, "must be a string");
    return std::optional<std::string>(std::string(v));
}

Expected<std::string> ToolArgs::required_string(std::string_view key) const {
    auto v = string(key);
    if (!v) return std::move(v).error();
    if (!*v) return bad(key, "is required");
    return std::move(**v);
}

Expected<std::optional<int64_t>> ToolArgs::integer(std::string_view key, int64_t min, int64_t max) const {
    if (empty_) return std::optional<int64_t>();
    simdjson::dom::element e;
    if (object_.at_key(key).get(e) || e.is_null()) return std::optional<int64_t>();
    int64_t v = 0;
    double d = 0;
    if (!e.get(v)) {
    } else if (!e.get(d) && d >= -9.2e18 && d <= 9.2e18 && d == static_cast<double>(static_cast<int64_t>(d))) {
        v = static_cast<int64_t>(d);  // 5.0 from a model is 5
    } else {
        return bad(key, "must be an integer");
    }
    if (v < min || v > max) {
        return bad(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    return std::optional<int64_t>(v);
}

Expected<std::optional<bool>> ToolArgs::boolean(std::string_view key) const {
    if (empty_) return std::optional<bool>();
    simdjson::dom::element e;
    if (object_.at_key(key).get(e) || e.is_null()) return std::optional<bool>();
    bool v = false;
    if (e.get(v)) return bad(key, "must be true or false");
    return std::optional<bool>(v);
}

Expected<std::vector<std::string>> ToolArgs::strings(std::string_view key) const {
    std::vector<std::string> out;
    if (empty_) return out;
    simdjson::dom::element e;
    if (object_.at_key(key).get(e) || e.is_null()) return out;
    std::string_view s;
    if (!e.get(s)) {
        out.emplace_back(s);
        return out;
    }
    simdjson::dom::array arr;
    if (e.get(arr)) return bad(key, "must be a string or an array of strings");
    for (auto item : arr) {
        if (item.get(s)) return bad(key, "must hold only strings");
        out.emplace_back(s);
    }
    return out;
}

Expected<void> ToolArgs::only(std::initializer_list<std::string_view> known) const {
    if (empty_) return {};
    for (auto field : object_) {
        if (std::find(known.begin(), known.end(), field.key) == known.end()) {
            std::string list;
            for (auto k : known) list += (list.empty() ? "" : ", ") + std::string(k);
            return Error::invalid("unknown argument '" + std::string(field.key) + "' (this tool takes: " + list + ")");
        }
    }
    return {};
}

}  // namespace idx::agent
