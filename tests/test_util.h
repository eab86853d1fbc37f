#pragma once
// Helpers shared by the tests: a temporary directory removed on scope exit, the shared fixtures folder.

#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>

namespace mxn::testing {

/// True in a sanitizer build (make asan, make tsan): AddressSanitizer's quarantine keeps freed memory
/// resident and instrumented code runs many times slower, so bounds on memory and latency are checked in the
/// other builds only.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
inline constexpr bool kSanitized = __has_feature(address_sanitizer) || __has_feature(thread_sanitizer);
#else
inline constexpr bool kSanitized = false;
#endif

/// A fresh directory under the system temp dir, removed with everything in it when this goes out of scope.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    auto base = std::filesystem::temp_directory_path();
    for (;;) {
      path_ = base / ("mxn-test-" + std::to_string(rd()) + std::to_string(rd()));
      if (std::filesystem::create_directory(path_)) break;
    }
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

/// ../shared/fixtures beside the checkout (CI places shared/ there).
inline std::filesystem::path shared_fixtures() {
  return std::filesystem::path(MXN_SOURCE_DIR).parent_path() / "shared" / "fixtures";
}

/// True under CI (CI=true), where a missing fixture is a failure, never a skip.
inline bool in_ci() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

}  // namespace mxn::testing
