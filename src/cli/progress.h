#pragma once
// Progress of long work: on a terminal, one line redrawn in place (what, step/total, loss, elapsed, ETA);
// otherwise plain log lines, so logs stay readable.

#include <chrono>
#include <string>

namespace mxn::cli {

class Progress {
 public:
  Progress();
  ~Progress();
  /// Step `step` of `total` of `what` is done; `loss` NaN when there is none.
  void update(const std::string& what, int step, int total, double loss);
  /// Ends the current line (on a terminal).
  void finish();

 private:
  bool tty_;
  bool open_line_ = false;
  std::string what_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace mxn::cli
