#pragma once
// UTF-8 <-> code point helpers shared by the tokenizers. Invalid UTF-8 (stray continuation bytes,
// overlong forms, surrogates, truncated sequences) decodes to U+FFFD, one per bad byte, never throws.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace mxn::text {

/// Appends the code points of `utf8` to `out` (invalid bytes become U+FFFD).
void decode_utf8(std::string_view utf8, std::vector<char32_t>& out);

/// Appends the UTF-8 encoding of one code point (values above U+10FFFF or surrogates become U+FFFD).
void append_utf8(char32_t cp, std::string& out);

/// UTF-8 encoding of a run of code points.
std::string encode_utf8(const char32_t* begin, const char32_t* end);

/// True when every byte is below 0x80.
bool is_ascii(std::string_view s);

}  // namespace mxn::text
