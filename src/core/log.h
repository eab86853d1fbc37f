#pragma once
// One logging wrapper over spdlog with key=value fields:
//   log::info("train.done", "domain", "movies", "users", 6040, "secs", 12.4);
// prints `train.done domain=movies users=6040 secs=12.4`. Lifecycle events at info, detail at debug.

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace mxn::log {

namespace detail {
inline void append_fields(std::string&) {}
template <class V, class... Rest>
void append_fields(std::string& out, std::string_view key, const V& value, const Rest&... rest) {
  fmt::format_to(std::back_inserter(out), " {}={}", key, value);
  append_fields(out, rest...);
}
template <class... KV>
void emit(spdlog::level::level_enum level, std::string_view event, const KV&... kv) {
  static_assert(sizeof...(KV) % 2 == 0, "log fields come in key, value pairs");
  if (!spdlog::should_log(level)) return;
  std::string line(event);
  append_fields(line, kv...);
  spdlog::log(level, "{}", line);
}
}  // namespace detail

template <class... KV> void debug(std::string_view event, const KV&... kv) { detail::emit(spdlog::level::debug, event, kv...); }
template <class... KV> void info(std::string_view event, const KV&... kv) { detail::emit(spdlog::level::info, event, kv...); }
template <class... KV> void warn(std::string_view event, const KV&... kv) { detail::emit(spdlog::level::warn, event, kv...); }
template <class... KV> void error(std::string_view event, const KV&... kv) { detail::emit(spdlog::level::err, event, kv...); }

/// Log lines go to stderr, timestamped (stdout carries results: tables, JSON, a library's caller's own
/// output). The CLI and the Python module call it once at start.
void to_stderr();

/// Sets the level by name ("debug", "info", "warn", "error", "off"); unknown names are an Error.
void set_level(std::string_view level);

}  // namespace mxn::log
