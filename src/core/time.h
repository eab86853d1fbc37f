#pragma once
// Time as mxn stores it: microseconds since the Unix epoch, UTC (DuckDB's TIMESTAMP). Parsing helpers for
// the edges (API, CLI, import) accept ISO-8601 and epoch seconds; every failure is Error{kInvalidArgument}
// naming `field`.

#include <cstdint>
#include <string>
#include <string_view>

namespace mxn {

inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

/// The current wall-clock time, epoch microseconds.
std::int64_t now_us();

/// ISO-8601 date or date-time: "2024-05-01", "2024-05-01T12:30", "2024-05-01T12:30:00.25", with an optional
/// zone "Z", "+02:00", "+0200" or "+02" (none means UTC); a space may replace the 'T'.
std::int64_t parse_iso8601(std::string_view text, std::string_view field = "timestamp");

/// Seconds since the epoch as decimal text, optionally fractional ("1714566600", "1714566600.5").
std::int64_t parse_epoch_seconds(std::string_view text, std::string_view field = "timestamp");

/// Either form: all digits (with an optional fraction) is epoch seconds, anything else ISO-8601.
std::int64_t parse_timestamp(std::string_view text, std::string_view field = "timestamp");

/// "2024-05-01T12:30:00Z", with ".ffffff" when the microseconds are not zero.
std::string format_iso8601(std::int64_t epoch_us);

}  // namespace mxn
