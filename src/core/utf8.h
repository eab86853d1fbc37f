#pragma once
// Checking UTF-8 at the edges (requests, imports) and quoting input in messages without echoing it whole.

#include <string>
#include <string_view>

namespace mxn {

/// True when `text` is well-formed UTF-8 (no overlongs, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// `value` in single quotes for a message, cut at `max_bytes` on a character boundary (then "..."); text
/// that is not UTF-8 becomes "(invalid UTF-8)".
std::string quote(std::string_view value, std::size_t max_bytes = 64);

/// Equal when ASCII letters are compared without case (media types, auth schemes, tags).
bool iequals(std::string_view a, std::string_view b);

}  // namespace mxn
