// JsonWriter: builds compact JSON text. Strings are escaped per RFC 8259;
// bytes that are not valid UTF-8 are written as \u00XX escapes of each byte
// (JSON cannot carry raw invalid UTF-8), so paths with such bytes survive.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace idx {

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(std::string_view k);
    JsonWriter& value(std::string_view v);
    JsonWriter& value(const char* v) { return value(std::string_view(v)); }
    JsonWriter& value(int64_t v);
    JsonWriter& value(uint64_t v);
    JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
    JsonWriter& value(double v);
    JsonWriter& value(bool v);
    JsonWriter& null();
    // Inserts `json`, which must be one complete JSON value (the caller's
    // contract: it is not checked), as the next value.
    JsonWriter& raw(std::string_view json);
    // Shorthand for key(k).value(v).
    template <typename T>
    JsonWriter& field(std::string_view k, const T& v) {
        key(k);
        return value(v);
    }

    const std::string& str() const { return out_; }
    std::string take() { return std::move(out_); }

    static void escape_into(std::string& out, std::string_view s);

private:
    void comma();
    std::string out_;
    std::vector<bool> first_;  // per open container: no element yet
    bool after_key_ = false;
};

}  // namespace idx
