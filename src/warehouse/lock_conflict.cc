#include "warehouse/lock_conflict.h"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace mxn::warehouse {

namespace {

constexpr std::size_t kMaxCommandLine = 160;

// DuckDB: `... Conflicting lock is held in /usr/bin/mxn (PID 1234) by user ann. See also ...`
std::optional<long> holder_pid(std::string_view message) {
  constexpr std::string_view kMarker = "(PID ";
  auto at = message.find(kMarker);
  if (at == std::string_view::npos) return std::nullopt;
  const char* begin = message.data() + at + kMarker.size();
  long pid = 0;
  auto [end, ec] = std::from_chars(begin, message.data() + message.size(), pid);
  if (ec != std::errc() || end == begin || pid <= 0) return std::nullopt;
  return pid;
}

std::string holder_program(std::string_view message) {
  constexpr std::string_view kMarker = "lock is held in ";
  auto at = message.find(kMarker);
  if (at == std::string_view::npos) return {};
  auto start = at + kMarker.size();
  auto end = message.find(" (PID ", start);
  if (end == std::string_view::npos) return {};
  return std::filesystem::path(std::string(message.substr(start, end - start))).filename().string();
}

}  // namespace

std::string process_command_line(long pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline", std::ios::binary);
  if (!in) return {};
  std::string raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::string out;
  std::size_t start = 0;
  bool first = true;
  while (start < raw.size()) {
    auto end = raw.find('\0', start);
    if (end == std::string::npos) end = raw.size();
    std::string arg = raw.substr(start, end - start);
    if (first) arg = std::filesystem::path(arg).filename().string();
    if (!out.empty()) out += ' ';
    out += arg;
    first = false;
    start = end + 1;
  }
  if (out.size() > kMaxCommandLine) out = out.substr(0, kMaxCommandLine - 3) + "...";
  return out;
}

std::optional<Error> lock_conflict_error(std::string_view path, std::string_view duckdb_message) {
  if (duckdb_message.find("Could not set lock on file") == std::string_view::npos) return std::nullopt;
  std::string holder;
  if (auto pid = holder_pid(duckdb_message)) {
    std::string command = process_command_line(*pid);
    if (command.empty()) command = holder_program(duckdb_message);
    holder = "process " + std::to_string(*pid) + (command.empty() ? std::string() : " (" + command + ")");
  } else {
    holder = "another process";
  }
  return Error(Code::kFailedPrecondition,
               std::string(path) + " is in use by " + holder +
                   "; use the running server's API instead of opening the file directly (DuckDB allows one "
                   "process per warehouse file)");
}

}  // namespace mxn::warehouse
