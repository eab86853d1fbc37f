#include "core/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_util.h"

namespace mxn::config {
namespace {

using ::testing::HasSubstr;

std::string shipped_yaml() {
  std::ifstream in(std::string(MXN_SOURCE_DIR) + "/config/config.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<FieldError> problems_of(const std::string& yaml, const std::vector<std::string>& env = {}) {
  try {
    load_from_string(yaml, env);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kInvalidArgument);
    return e.problems();
  }
  return {};
}

TEST(ConfigTest, ShippedFileEqualsDefaults) {
  const std::string yaml = shipped_yaml();
  ASSERT_FALSE(yaml.empty());
  Config from_file = load_from_string(yaml, {});
  EXPECT_FALSE(from_file.is_set("domains.movies.models.ease.lambda")) << "tuned keys stay out of the file";
  EXPECT_FALSE(from_file.is_set("domains.movies.ensemble.weights.ease"));
  EXPECT_TRUE(from_file.is_set("domains.movies.models.ease.max_items"));
  from_file.set_keys.clear();
  // Its paths, relative to its folder, are the defaults' from the checkout's root.
  EXPECT_EQ(from_file.warehouse.path, "../data/warehouse.duckdb");
  EXPECT_EQ(from_file.models.store_dir, "../models");
  from_file.warehouse.path = Config{}.warehouse.path;
  from_file.models.store_dir = Config{}.models.store_dir;
  EXPECT_TRUE(from_file == Config{}) << "config/config.yaml and the defaults in core/config.h disagree";
  EXPECT_TRUE(Config{}.validate().empty());
}

TEST(ConfigTest, RelativePathsInAFileAreRelativeToItsFolder) {
  testing::TempDir dir;
  std::filesystem::create_directories(dir.file("etc"));
  const std::string file = dir.file("etc/mxn.yaml");
  std::ofstream(file) << "warehouse:\n  path: ../var/w.duckdb\nmodels:\n  store_dir: /abs/models\n"
                         "domains:\n  movies:\n    models:\n      embedding:\n        model_path: minilm\n";
  const Config c = load(file, {});
  EXPECT_EQ(c.warehouse.path, dir.file("var/w.duckdb"));
  EXPECT_EQ(c.models.store_dir, "/abs/models");
  EXPECT_EQ(c.domains.at("movies").models.embedding.model_path, dir.file("etc/minilm"));
  const Config env = load(file, {"MXN_WAREHOUSE_PATH=here/w.duckdb"});
  EXPECT_EQ(env.warehouse.path, "here/w.duckdb") << "the environment's paths are the shell's";
  const Config no_file = load("", {"MXN_WAREHOUSE_PATH=rel/w.duckdb"});
  EXPECT_EQ(no_file.warehouse.path, "rel/w.duckdb");
  EXPECT_EQ(no_file.models.store_dir, "models");
}

TEST(ConfigTest, DefaultsAreUsedWithoutAFile) {
  Config c = load_from_string("", {});
  EXPECT_EQ(c.warehouse.path, "data/warehouse.duckdb");
  EXPECT_EQ(c.api.port, 8000);
  EXPECT_EQ(c.domains.size(), 4u);
}

TEST(ConfigTest, FileOverridesOnlyWhatItNames) {
  Config c = load_from_string("api:\n  port: 9001\ndomains:\n  music:\n    enabled: false\n  movies: {}\n", {});
  EXPECT_EQ(c.api.port, 9001);
  EXPECT_EQ(c.api.host, "127.0.0.1");
  EXPECT_FALSE(c.domains.at("music").enabled);
  EXPECT_EQ(c.domains.at("music").repeat_cooldown_days, 3.0);  // the domain's own default survives
  EXPECT_EQ(c.domains.size(), 2u) << "domains lists exactly the domains in the file";
  EXPECT_TRUE(c.domains.at("movies") == default_domain("movies"));
}

// README "Configuration": a new domain is a block in the file; it starts from the defaults, and the file's
// domains are the ones the environment can then set.
TEST(ConfigTest, ADomainTheFileAddsStartsFromTheDefaults) {
  Config c = load_from_string("domains:\n  books: {enabled: true}\n", {"MXN_DOMAINS_BOOKS_RATINGS_MAX=10"});
  ASSERT_EQ(c.domains.size(), 1u);
  DomainConfig expected = default_domain("books");
  expected.ratings.max = 10;
  EXPECT_TRUE(c.domains.at("books") == expected);
  EXPECT_NO_THROW(c.domain("books"));
  EXPECT_EQ(problems_of("", {"MXN_DOMAINS_BOOKS_ENABLED=true"}).at(0).field, "MXN_DOMAINS_BOOKS_ENABLED")
      << "the environment sets a domain's keys, it does not create one";
}

TEST(ConfigTest, EnvironmentOverridesFileAndDefaults) {
  Config c =
      load_from_string("api:\n  port: 9001\n", {
                                                   "MXN_API_PORT=9100",
                                                   "MXN_WAREHOUSE_PATH=/tmp/x.duckdb",
                                                   "MXN_API_KEYS=key-number-one-0123,key-number-two-4567",
                                                   "MXN_DOMAINS_MOVIES_MODELS_COLLAB_ALS_FACTORS=32",
                                                   "MXN_INTERACTIONS_TYPES_LIKE=5",
                                                   "MXN_DOMAINS_MUSIC_ENABLED=false",
                                                   "MXN_API_KEY=read-by-the-benchmarks",
                                                   "MXN_BENCH_USERS=10",
                                                   "PATH=/bin",
                                               });
  EXPECT_EQ(c.api.port, 9100);
  EXPECT_EQ(c.warehouse.path, "/tmp/x.duckdb");
  EXPECT_EQ(c.api.keys, (std::vector<std::string>{"key-number-one-0123", "key-number-two-4567"}));
  EXPECT_EQ(c.domains.at("movies").models.collab.als.factors, 32);
  EXPECT_EQ(c.interactions.types.at("like"), 5.0);
  EXPECT_FALSE(c.domains.at("music").enabled);
}

TEST(ConfigTest, KeysTheFileOrTheEnvironmentGiveAreSetAndPinTunedValues) {
  Config c = load_from_string("domains:\n  movies:\n    models:\n      knn:\n        neighbors: 50\n"
                              "    ensemble:\n      weights: {knn: 1}\n",
                              {"MXN_DOMAINS_MOVIES_MODELS_EASE_LAMBDA=77"});
  EXPECT_TRUE(c.is_set("domains.movies.models.knn.neighbors"));
  EXPECT_TRUE(c.is_set("domains.movies.models.ease.lambda"));
  EXPECT_TRUE(c.is_set("domains.movies.ensemble.weights.collab")) << "a map given whole pins all its names";
  EXPECT_FALSE(c.is_set("domains.movies.models.knn.shrinkage"));
  DomainConfig d = c.domain("movies");
  const auto applied = apply_tuned(c, "movies", d,
                                   {{"models.knn.neighbors", 900}, {"models.knn.shrinkage", 7},
                                    {"models.ease.lambda", 1000}, {"ensemble.weights.knn", 0.5}});
  EXPECT_EQ(applied, std::vector<std::string>{"models.knn.shrinkage"});
  EXPECT_EQ(d.models.knn.neighbors, 50) << "config wins over tuning";
  EXPECT_EQ(d.models.knn.shrinkage, 7);
  EXPECT_EQ(d.models.ease.lambda, 77);
  EXPECT_EQ(d.ensemble.weights, (std::map<std::string, double>{{"knn", 1}}));
  EXPECT_THROW(apply_tuned(c, "movies", d, {{"models.knn.shrinkage", -1}}), Error) << "tuned values are validated";
  EXPECT_EQ(d.models.knn.shrinkage, 7) << "and a bad record changes nothing";
}

TEST(ConfigTest, NoEnabledDomainIsRejected) {
  auto problems = problems_of("domains:\n  music:\n    enabled: false\n");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "domains");
}

TEST(ConfigTest, BadEnvironmentValueNamesTheVariable) {
  auto problems = problems_of("", {"MXN_API_PORT=eighty"});
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "api.port (MXN_API_PORT)");
  EXPECT_THAT(problems[0].message, HasSubstr("whole number"));
}

TEST(ConfigTest, AnEnvironmentVariableThatNamesNoKeyIsAnErrorWithTheClosestKey) {
  auto problems = problems_of("", {"MXN_MODELS_DIR=/x", "MXN_COMPLETELY_ELSE=1", "MXN_API_PORT=9000"});
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "MXN_COMPLETELY_ELSE");
  EXPECT_THAT(problems[0].message, HasSubstr("no such key ("));
  EXPECT_EQ(problems[1].field, "MXN_MODELS_DIR");
  EXPECT_EQ(problems[1].message, "no such key; did you mean MXN_MODELS_STORE_DIR?");
}

TEST(ConfigTest, ValidationReportsEveryProblemWithItsPath) {
  auto problems = problems_of(R"(
api:
  port: 70000
training:
  test_fraction: 1.5
domains:
  movies:
    models:
      collab:
        als:
          factors: 0
    ensemble:
      method: median
)");
  std::vector<std::string> fields;
  for (const auto& p : problems) fields.push_back(p.field + ": " + p.message);
  EXPECT_THAT(fields, ::testing::Contains(HasSubstr("api.port: must be between 0 and 65535")));
  EXPECT_THAT(fields, ::testing::Contains(HasSubstr("training.test_fraction: must be between 0 and 1")));
  EXPECT_THAT(fields, ::testing::Contains("domains.movies.models.collab.als.factors: must be > 0"));
  EXPECT_THAT(fields, ::testing::Contains(HasSubstr("domains.movies.ensemble.method: must be one of weighted, rrf")));
  EXPECT_EQ(problems.size(), 4u);
}

TEST(ConfigTest, UnknownKeysAndWrongTypesAreReported) {
  auto problems = problems_of("warehouse:\n  pth: x\n  threads: many\nlog_level: loud\n");
  std::vector<std::string> fields;
  for (const auto& p : problems) fields.push_back(p.field + ": " + p.message);
  EXPECT_THAT(fields, ::testing::Contains("warehouse.pth: unknown key; did you mean path?"));
  EXPECT_THAT(fields, ::testing::Contains("warehouse.threads: must be a whole number, got 'many'"));
}

TEST(ConfigTest, InvalidValuesAfterTypesAreChecked) {
  auto problems = problems_of("log_level: loud\nwarehouse:\n  memory_limit: lots\n");
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(problems[0].field, "warehouse.memory_limit");
  EXPECT_EQ(problems[1].field, "log_level");
}

TEST(ConfigTest, DomainLookupRejectsUnknownAndDisabled) {
  Config c;
  c.domains.at("notes").enabled = false;
  EXPECT_NO_THROW(c.domain("movies"));
  try {
    c.domain("books");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_EQ(e.field(), "domain");
  }
  EXPECT_THROW(c.domain("notes"), Error);
}

TEST(ConfigTest, MissingFileIsAClearError) {
  try {
    load("/nonexistent/mxn.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Code::kNotFound);
    EXPECT_THAT(e.what(), HasSubstr("/nonexistent/mxn.yaml"));
  }
}

}  // namespace
}  // namespace mxn::config
