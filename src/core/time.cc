#include "core/time.h"

#include <charconv>
#include <chrono>
#include <cstdio>

#include "core/error.h"

namespace mxn {

namespace {

[[noreturn]] void fail(std::string_view text, std::string_view field, std::string_view expected) {
  throw Error(Code::kInvalidArgument,
              "invalid timestamp '" + std::string(text.substr(0, 64)) + "': expected " + std::string(expected),
              std::string(field));
}

constexpr std::string_view kIsoForm = "ISO-8601 like 2024-05-01T12:30:00Z";

// Reads exactly `width` digits at `pos`; false when they are not all digits.
bool read_digits(std::string_view s, std::size_t& pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  int value = 0;
  for (std::size_t i = 0; i < width; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  pos += width;
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::int64_t now_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::int64_t parse_iso8601(std::string_view text, std::string_view field) {
  std::size_t pos = 0;
  int year = 0, month = 0, day = 0;
  if (!read_digits(text, pos, 4, year) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, month) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, day)) {
    fail(text, field, kIsoForm);
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{static_cast<unsigned>(month)},
                                         std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) fail(text, field, "a real calendar date");
  std::int64_t micros = 0;
  if (pos < text.size() && (text[pos] == 'T' || text[pos] == 't' || text[pos] == ' ')) {
    ++pos;
    int hour = 0, minute = 0, second = 0;
    if (!read_digits(text, pos, 2, hour) || pos >= text.size() || text[pos++] != ':' ||
        !read_digits(text, pos, 2, minute)) {
      fail(text, field, kIsoForm);
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!read_digits(text, pos, 2, second)) fail(text, field, kIsoForm);
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        std::int64_t fraction = 0;
        int digits = 0;
        while (pos < text.size() && is_digit(text[pos])) {
          if (digits < 6) {
            fraction = fraction * 10 + (text[pos] - '0');
            ++digits;
          }
          ++pos;
        }
        if (digits == 0) fail(text, field, kIsoForm);
        for (; digits < 6; ++digits) fraction *= 10;
        micros += fraction;
      }
    }
    if (hour > 23 || minute > 59 || second > 59) fail(text, field, "a time of day within 00:00:00-23:59:59");
    micros += (std::int64_t{hour} * 3600 + minute * 60 + second) * kMicrosPerSecond;
    if (pos < text.size()) {
      char zone = text[pos];
      if (zone == 'Z' || zone == 'z') {
        ++pos;
      } else if (zone == '+' || zone == '-') {
        ++pos;
        int off_hour = 0, off_minute = 0;
        if (!read_digits(text, pos, 2, off_hour)) fail(text, field, "a zone like Z, +02:00 or -0530");
        if (pos < text.size() && text[pos] == ':') ++pos;
        if (pos < text.size() && !read_digits(text, pos, 2, off_minute)) {
          fail(text, field, "a zone like Z, +02:00 or -0530");
        }
        if (off_hour > 23 || off_minute > 59) fail(text, field, "a zone offset below 24 hours");
        std::int64_t offset = (std::int64_t{off_hour} * 3600 + off_minute * 60) * kMicrosPerSecond;
        micros -= zone == '+' ? offset : -offset;  // local = UTC + offset
      }
    }
  }
  if (pos != text.size()) fail(text, field, kIsoForm);
  const auto days = std::chrono::sys_days{date}.time_since_epoch().count();
  return std::int64_t{days} * kMicrosPerDay + micros;
}

std::int64_t parse_epoch_seconds(std::string_view text, std::string_view field) {
  constexpr std::string_view kForm = "seconds since 1970-01-01 like 1714566600 or 1714566600.5";
  std::size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) negative = text[pos++] == '-';
  std::size_t int_start = pos;
  while (pos < text.size() && is_digit(text[pos])) ++pos;
  if (pos == int_start || pos - int_start > 12) fail(text, field, kForm);  // 12 digits: year ~33000
  std::int64_t seconds = 0;
  std::from_chars(text.data() + int_start, text.data() + pos, seconds);
  std::int64_t fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    std::size_t frac_start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
      if (digits < 6) {
        fraction = fraction * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (pos == frac_start) fail(text, field, kForm);
    for (; digits < 6; ++digits) fraction *= 10;
  }
  if (pos != text.size()) fail(text, field, kForm);
  std::int64_t micros = seconds * kMicrosPerSecond + fraction;
  return negative ? -micros : micros;
}

std::int64_t parse_timestamp(std::string_view text, std::string_view field) {
  bool numeric = !text.empty();
  for (std::size_t i = 0; i < text.size() && numeric; ++i) {
    char c = text[i];
    numeric = is_digit(c) || c == '.' || (i == 0 && (c == '-' || c == '+'));
  }
  // "2024" alone is a year to nobody here: an all-digit value is epoch seconds.
  return numeric ? parse_epoch_seconds(text, field) : parse_iso8601(text, field);
}

std::string format_iso8601(std::int64_t epoch_us) {
  std::int64_t days = epoch_us / kMicrosPerDay;
  std::int64_t rem = epoch_us % kMicrosPerDay;
  if (rem < 0) {
    rem += kMicrosPerDay;
    --days;
  }
  const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{days}}};
  const std::int64_t secs = rem / kMicrosPerSecond;
  const std::int64_t micros = rem % kMicrosPerSecond;
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(date.year()),
                        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                        static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60));
  std::string out(buf, static_cast<std::size_t>(n));
  if (micros != 0) {
    n = std::snprintf(buf, sizeof buf, ".%06d", static_cast<int>(micros));
    out.append(buf, static_cast<std::size_t>(n));
  }
  out += 'Z';
  return out;
}

}  // namespace mxn
