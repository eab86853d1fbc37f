// Training and serving figures of the collaborative models on a matrix shaped like MovieLens-20M
// restricted to ratings >= 4 (138,000 users x 27,000 items x 10,000,000 interactions, power-law item
// popularity and user activity), or on a CSV file `user,item,weight[,timestamp]`.
//
// Each model runs in its own child process (this program re-executed with --child=MODEL), so peak
// memory is per model: the child builds the matrix, resets its peak-RSS mark (/proc/self/clear_refs),
// trains, and reports VmHWM = matrix + training state. Then it times recommend() for a sample of users
// (their training row as the live row, seen items excluded, k = 10), one call at a time.
//
//   training_bench [--models=als,bpr,knn,popularity] [--threads=0] [--users=138000] [--items=27000]
//                  [--nnz=10000000] [--seed=42] [--factors=64] [--cg-steps=3] [--iterations=5]
//                  [--epochs=3] [--neighbors=100] [--latency-users=2000] [--csv=PATH] [--min-weight=W]

#include <omp.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/id_map.h"
#include "data/interaction_matrix.h"
#include "data/rng.h"
#include "models/als.h"
#include "models/bpr.h"
#include "models/item_knn.h"
#include "models/popularity.h"

extern char** environ;

namespace {

using Clock = std::chrono::steady_clock;
using mxn::data::InteractionMatrix;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// User + system CPU seconds of this process so far (all threads): a steadier figure than wall time
/// on a machine shared with other work.
/// CPU seconds of the calling thread (excludes time the thread spent descheduled).
double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double cpu_seconds() {
  rusage r{};
  getrusage(RUSAGE_SELF, &r);
  return static_cast<double>(r.ru_utime.tv_sec + r.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(r.ru_utime.tv_usec + r.ru_stime.tv_usec);
}

struct Options {
  std::map<std::string, std::string> values = {
      {"models", "als,bpr,knn,popularity"},
      {"threads", "0"},
      {"users", "138000"},
      {"items", "27000"},
      {"nnz", "10000000"},
      {"seed", "42"},
      {"factors", "64"},
      {"cg-steps", "3"},
      {"iterations", "5"},
      {"epochs", "3"},
      {"neighbors", "100"},
      {"latency-users", "2000"},
      {"csv", ""},
      {"min-weight", "-inf"},
      {"child", ""},
  };
  std::string get(const std::string& key) const { return values.at(key); }
  long long integer(const std::string& key) const { return std::stoll(values.at(key)); }
  double real(const std::string& key) const { return std::stod(values.at(key)); }
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg.rfind("--", 0) != 0) throw std::runtime_error("unexpected argument " + arg);
    arg = arg.substr(2);
    std::string key = arg, value;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      key = arg.substr(0, eq);
      value = arg.substr(eq + 1);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    if (!o.values.count(key)) throw std::runtime_error("unknown option --" + key);
    o.values[key] = value;
  }
  return o;
}

/// Power-law item popularity p(i) ∝ 1 / (i + 30) (the most popular item gets ~0.5% of interactions, as
/// the most rated films do among MovieLens-20M ratings >= 4). User activity follows the log-normal fit of
/// MovieLens-20M ratings per user published by LensKit (shape 1.609, loc 19.07, scale 43.1, capped at
/// the data set's maximum 9254), rescaled to the requested total (for 10M: mean 72, median ~26).
/// Ratings 4 / 4.5 / 5 are stored as implicit weights rating - 3; timestamps spread over five years.
InteractionMatrix synthetic(const Options& o, std::string& description) {
  const auto n_users = static_cast<mxn::UserIndex>(o.integer("users"));
  const auto n_items = static_cast<mxn::ItemIndex>(o.integer("items"));
  const auto target = static_cast<std::int64_t>(o.integer("nnz"));
  const auto seed = static_cast<std::uint64_t>(o.integer("seed"));
  const int max_per_user = std::max(1, n_items / 2);

  std::vector<double> cdf(static_cast<std::size_t>(n_items));
  double total = 0;
  for (mxn::ItemIndex i = 0; i < n_items; ++i) cdf[static_cast<std::size_t>(i)] = total += 1.0 / (i + 30.0);
  for (auto& c : cdf) c /= total;

  mxn::data::Rng rng(seed, 1);
  std::vector<double> raw(static_cast<std::size_t>(n_users));
  double raw_sum = 0;
  for (auto& r : raw) {
    // Standard normal by Box-Muller from the portable generator.
    const double z =
        std::sqrt(-2.0 * std::log(1.0 - rng.uniform())) * std::cos(6.283185307179586 * rng.uniform());
    raw_sum += r = std::min(9254.0, 19.07 + 43.1 * std::exp(1.609 * z));
  }
  std::vector<int> count(static_cast<std::size_t>(n_users));
  std::int64_t assigned = 0;
  for (std::size_t u = 0; u < count.size(); ++u) {
    count[u] = std::clamp(static_cast<int>(std::llround(raw[u] * static_cast<double>(target) / raw_sum)), 1,
                          max_per_user);
    assigned += count[u];
  }
  for (std::size_t u = 0; assigned != target && n_users > 0; u = (u + 1) % count.size()) {  // exact total
    if (assigned < target && count[u] < max_per_user) ++count[u], ++assigned;
    if (assigned > target && count[u] > 1) --count[u], --assigned;
  }
  std::vector<std::int64_t> offset(count.size() + 1, 0);
  double square_sum = 0;
  for (std::size_t u = 0; u < count.size(); ++u) {
    offset[u + 1] = offset[u] + count[u];
    square_sum += static_cast<double>(count[u]) * count[u];
  }

  std::vector<mxn::data::Triplet> triplets(static_cast<std::size_t>(target));
  constexpr std::int64_t kFiveYearsUs = 5LL * 365 * 86'400'000'000LL;
  constexpr std::int64_t kStartUs = 1'400'000'000'000'000LL;
#pragma omp parallel
  {
    std::vector<std::uint8_t> taken(static_cast<std::size_t>(n_items), 0);
    std::vector<mxn::ItemIndex> mine;
#pragma omp for schedule(dynamic, 256)
    for (mxn::UserIndex u = 0; u < n_users; ++u) {
      mxn::data::Rng r(seed, 1000 + static_cast<std::uint64_t>(u));
      mine.clear();
      while (static_cast<int>(mine.size()) < count[static_cast<std::size_t>(u)]) {
        const auto i =
            static_cast<mxn::ItemIndex>(std::lower_bound(cdf.begin(), cdf.end(), r.uniform()) - cdf.begin());
        const auto item = std::min(i, n_items - 1);
        if (taken[static_cast<std::size_t>(item)]) continue;
        taken[static_cast<std::size_t>(item)] = 1;
        mine.push_back(item);
      }
      auto pos = static_cast<std::size_t>(offset[static_cast<std::size_t>(u)]);
      for (auto item : mine) {
        taken[static_cast<std::size_t>(item)] = 0;
        const float rating = 4.0f + 0.5f * static_cast<float>(r.below(3));
        triplets[pos++] = {u, item, rating - 3.0f,
                           kStartUs + static_cast<std::int64_t>(r.below64(kFiveYearsUs)), false};
      }
    }
  }
  std::ostringstream d;
  d << "synthetic " << n_users << " users x " << n_items << " items, " << target
    << " interactions (power-law items, log-normal user activity; max row "
    << *std::max_element(count.begin(), count.end()) << ", sum of squared row lengths " << square_sum << ")";
  description = d.str();
  return InteractionMatrix::from_triplets(std::move(triplets), n_users, n_items);
}

/// `user,item,weight[,timestamp]` with string ids; a first line whose weight is not a number is a header.
InteractionMatrix from_csv(const Options& o, std::string& description) {
  std::ifstream in(o.get("csv"));
  if (!in) throw std::runtime_error("cannot open " + o.get("csv"));
  const double min_weight = o.real("min-weight");
  mxn::IdMap users, items;
  std::vector<mxn::data::Triplet> triplets;
  std::string line;
  std::size_t line_no = 0, skipped = 0;
  while (std::getline(in, line)) {
    ++line_no;
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string field; std::getline(s, field, ',');) f.push_back(field);
    if (f.size() < 3) continue;
    char* end = nullptr;
    const double w = std::strtod(f[2].c_str(), &end);
    if (end == f[2].c_str()) {
      if (line_no == 1) continue;  // header
      throw std::runtime_error("line " + std::to_string(line_no) + ": weight is not a number");
    }
    if (w < min_weight) {
      ++skipped;
      continue;
    }
    const std::int64_t ts = f.size() > 3 ? std::stoll(f[3]) * 1'000'000 : 0;
    triplets.push_back({users.get_or_add(f[0]), items.get_or_add(f[1]), static_cast<float>(w), ts, false});
  }
  std::ostringstream d;
  d << o.get("csv") << ": " << users.size() << " users x " << items.size() << " items, " << triplets.size()
    << " interactions (" << skipped << " below min weight)";
  description = d.str();
  return InteractionMatrix::from_triplets(std::move(triplets), static_cast<mxn::UserIndex>(users.size()),
                                          static_cast<mxn::ItemIndex>(items.size()));
}

long status_kib(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stol(line.substr(key.size() + 1));
  }
  return -1;
}

void reset_peak_rss() {
  std::ofstream out("/proc/self/clear_refs");
  out << "5";
}

std::unique_ptr<mxn::models::Recommender> make_model(const std::string& name, const Options& o) {
  if (name == "als") {
    mxn::AlsParams p;
    p.factors = static_cast<int>(o.integer("factors"));
    p.cg_steps = static_cast<int>(o.integer("cg-steps"));
    p.iterations = static_cast<int>(o.integer("iterations"));
    p.feedback = "implicit";
    return std::make_unique<mxn::models::Als>(p);
  }
  if (name == "bpr") {
    mxn::BprParams p;
    p.factors = static_cast<int>(o.integer("factors"));
    p.epochs = static_cast<int>(o.integer("epochs"));
    return std::make_unique<mxn::models::Bpr>(p);
  }
  if (name == "knn") {
    mxn::ItemKnnParams p;
    p.neighbors = static_cast<int>(o.integer("neighbors"));
    return std::make_unique<mxn::models::ItemKnn>(p);
  }
  if (name == "popularity") return std::make_unique<mxn::models::Popularity>();
  throw std::runtime_error("unknown model " + name);
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto at = static_cast<std::size_t>(std::ceil(p * static_cast<double>(v.size()))) - 1;
  return v[std::min(at, v.size() - 1)];
}

/// One model, in this process; prints one `result ...` line of key=value pairs.
int run_child(const Options& o) {
  const std::string name = o.get("child");
  const int threads = static_cast<int>(o.integer("threads"));
  if (threads > 0) omp_set_num_threads(threads);
  auto start = Clock::now();
  std::string description;
  InteractionMatrix m = o.get("csv").empty() ? synthetic(o, description) : from_csv(o, description);
  const double build_secs = seconds_since(start);
  const long matrix_kib = status_kib("VmRSS");
  reset_peak_rss();

  auto model = make_model(name, o);
  std::vector<double> step_secs;
  std::vector<double> losses;
  mxn::models::FitOptions fit;
  fit.threads = threads;
  auto last = Clock::now();
  fit.progress = [&](int, int, double loss) {
    step_secs.push_back(seconds_since(last));
    losses.push_back(loss);
    last = Clock::now();
  };
  start = Clock::now();
  last = start;
  const double cpu_before = cpu_seconds();
  model->fit(m, fit);
  const double fit_secs = seconds_since(start);
  const double fit_cpu_secs = cpu_seconds() - cpu_before;
  const long peak_kib = status_kib("VmHWM");

  // Latency: one call at a time for a random sample of users with a non-empty row.
  mxn::data::Rng rng(static_cast<std::uint64_t>(o.integer("seed")), 77);
  std::vector<double> latency_ms, latency_cpu_ms;
  const auto sample = static_cast<std::size_t>(o.integer("latency-users"));
  std::size_t returned = 0;
  for (std::size_t q = 0; q < sample && m.n_users() > 0; ++q) {
    const auto u = static_cast<mxn::UserIndex>(rng.below(static_cast<std::uint32_t>(m.n_users())));
    const auto row = m.row(u);
    if (row.empty()) continue;
    const auto t = Clock::now();
    const double c = thread_cpu_seconds();
    const auto recs = model->recommend(row, 10, mxn::models::ItemFilter::of_row(row));
    latency_cpu_ms.push_back((thread_cpu_seconds() - c) * 1e3);
    latency_ms.push_back(seconds_since(t) * 1e3);
    returned += recs.size();
  }
  double mean_step = 0;
  for (double s : step_secs) mean_step += s;
  mean_step = step_secs.empty() ? 0 : mean_step / static_cast<double>(step_secs.size());
  std::cout << "data " << description << "\n";
  std::cout
      << "result model=" << name << " threads=" << (threads > 0 ? threads : omp_get_max_threads())
      << " build_secs=" << build_secs << " matrix_mib=" << static_cast<double>(m.memory_bytes()) / (1 << 20)
      << " rss_after_build_mib=" << static_cast<double>(matrix_kib) / 1024 << " fit_secs=" << fit_secs
      << " fit_cpu_secs=" << fit_cpu_secs << " steps=" << step_secs.size() << " mean_step_secs=" << mean_step
      << " min_step_secs=" << (step_secs.empty() ? 0 : *std::min_element(step_secs.begin(), step_secs.end()))
      << " peak_mib=" << static_cast<double>(peak_kib) / 1024 << " p50_ms=" << percentile(latency_ms, 0.5)
      << " p99_ms=" << percentile(latency_ms, 0.99) << " p99_cpu_ms=" << percentile(latency_cpu_ms, 0.99)
      << " max_ms=" << (latency_ms.empty() ? 0 : *std::max_element(latency_ms.begin(), latency_ms.end()))
      << " mean_returned="
      << (latency_ms.empty() ? 0 : static_cast<double>(returned) / static_cast<double>(latency_ms.size()))
      << " last_loss=" << (losses.empty() ? 0 : losses.back()) << "\n";
  return 0;
}

std::map<std::string, std::string> parse_result(const std::string& line) {
  std::map<std::string, std::string> kv;
  std::stringstream s(line);
  for (std::string token; s >> token;) {
    if (auto eq = token.find('='); eq != std::string::npos) kv[token.substr(0, eq)] = token.substr(eq + 1);
  }
  return kv;
}

/// Runs every model in a child process and prints the figures against the targets.
int run_driver(const Options& o, const char* self) {
  std::ifstream cpu("/proc/cpuinfo");
  std::string line, cpu_model;
  while (std::getline(cpu, line)) {
    if (line.rfind("model name", 0) == 0) {
      cpu_model = line.substr(line.find(':') + 2);
      break;
    }
  }
  std::cout << "machine: " << cpu_model << ", " << omp_get_num_procs() << " cores\n";
  std::vector<std::map<std::string, std::string>> results;
  std::stringstream models(o.get("models"));
  for (std::string name; std::getline(models, name, ',');) {
    std::vector<std::string> args = {self, "--child=" + name};
    for (const auto& [k, v] : o.values) {
      if (k != "child" && k != "models") args.push_back("--" + k + "=" + v);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    pid_t pid = 0;
    if (posix_spawn(&pid, self, &actions, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("spawn failed");
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    std::string output;
    char buffer[4096];
    for (ssize_t n; (n = read(fds[0], buffer, sizeof(buffer))) > 0;)
      output.append(buffer, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    std::stringstream lines(output);
    bool got = false;
    while (std::getline(lines, line)) {
      std::cout << line << "\n";
      if (line.rfind("result ", 0) == 0) {
        results.push_back(parse_result(line));
        got = true;
      }
    }
    if (!got || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      std::cout << "model " << name << ": child failed (status " << status << ")\n";
      return 1;
    }
  }
  std::cout
      << "\nsummary (targets: ALS <= 1.0 s/iteration, BPR <= 2.0 s/epoch, item_knn <= 6 s, peak <= 600 MiB, "
         "recommend p99 <= 5 ms)\n";
  for (auto& r : results) {
    const std::string model = r["model"];
    double train = std::stod(r["mean_step_secs"]);
    std::string what = model == "als" ? "s/iteration" : model == "bpr" ? "s/epoch" : "s build";
    double limit = model == "als" ? 1.0 : model == "bpr" ? 2.0 : model == "knn" ? 6.0 : 1e9;
    if (model == "knn" || model == "popularity") train = std::stod(r["fit_secs"]);
    const double peak = std::stod(r["peak_mib"]), p99 = std::stod(r["p99_ms"]);
    const bool ok = train <= limit && peak <= 600 && p99 <= 5;
    std::printf(
        "  %-10s %7.3f %-11s (fit cpu %5.1f s)  peak %6.1f MiB  recommend p50 %.3f ms p99 %.3f ms (cpu %.3f "
        "ms)  %s\n",
        model.c_str(), train, what.c_str(), std::stod(r["fit_cpu_secs"]), peak, std::stod(r["p50_ms"]), p99,
        std::stod(r["p99_cpu_ms"]), ok ? "ok" : "ABOVE TARGET");
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options o = parse(argc, argv);
    if (!o.get("child").empty()) return run_child(o);
    return run_driver(o, "/proc/self/exe");
  } catch (const std::exception& e) {
    std::cerr << "training_bench: " << e.what() << "\n";
    return 1;
  }
}
