// Test helper: ingests interactions into the warehouse file argv[1] from four threads, forever, printing the
// item_id of every interaction once track()/track_many() has acknowledged it. The crash test kills it with
// SIGKILL and checks that every printed item_id is in the file.

#include <unistd.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/log.h"
#include "tracking/behavior_tracker.h"
#include "warehouse/warehouse.h"

namespace {

std::mutex out_mutex;

void acknowledge(const std::string& item) {
  const std::string line = item + "\n";
  std::lock_guard lock(out_mutex);
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(STDOUT_FILENO, line.data() + done, line.size() - done);
    if (n <= 0) _exit(3);  // the test went away
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s WAREHOUSE_FILE\n", argv[0]);
    return 2;
  }
  mxn::log::set_level("off");
  mxn::config::WarehouseConfig config;
  config.path = argv[1];
  config.threads = 1;
  mxn::warehouse::Warehouse warehouse(config);
  std::map<std::string, mxn::config::DomainConfig> domains;
  domains["movies"] = mxn::config::DomainConfig{};
  mxn::tracking::BehaviorTracker tracker(warehouse, mxn::config::InteractionsConfig{}, domains, config);

  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&tracker, t] {
      std::string user = "crash-user-";
      user += std::to_string(t);
      for (long i = 0;; ++i) {
        std::string item = "t";
        item += std::to_string(t);
        item += '-';
        item += std::to_string(i);
        if (i % 5 == 0) {
          std::vector<mxn::Interaction> batch(3);
          for (int k = 0; k < 3; ++k) {
            batch[k].user_id = user;
            batch[k].domain = "movies";
            batch[k].item_id = item;
            batch[k].item_id += '-';
            batch[k].item_id += std::to_string(k);
            batch[k].type = "view";
          }
          tracker.track_many(batch);
          for (const auto& b : batch) acknowledge(b.item_id);
        } else {
          tracker.track_view(user, "movies", item);
          acknowledge(item);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  return 0;
}
