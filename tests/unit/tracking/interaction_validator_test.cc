#include "tracking/interaction_validator.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/time.h"
#include "unit/tracking/tracking_test_util.h"

namespace mxn::tracking {
namespace {

using testing::make_interaction;
using ::testing::HasSubstr;

constexpr std::int64_t kNow = 1'714'566'600'000'000;  // 2024-05-01T12:30:00Z

class InteractionValidatorTest : public ::testing::Test {
 protected:
  config::InteractionsConfig interactions_;
  InteractionValidator validator_{interactions_, testing::tracking_domains()};

  /// The problems of `in`, validated alone.
  std::vector<FieldError> problems(const Interaction& in, std::string_view prefix = "") {
    std::vector<FieldError> out;
    auto record = validator_.validate(in, kNow, prefix, out);
    EXPECT_EQ(record.has_value(), out.empty());
    return out;
  }

  /// The single problem of `in`; fails the test if there is not exactly one.
  FieldError only_problem(const Interaction& in) {
    auto all = problems(in);
    EXPECT_EQ(all.size(), 1u);
    return all.empty() ? FieldError{} : all.front();
  }
};

TEST_F(InteractionValidatorTest, ValidInteractionBecomesARecordWithItsWeight) {
  std::vector<FieldError> out;
  auto record = validator_.validate(make_interaction("ann", "movies", "m1", "like", std::nullopt, kNow - 5,
                                                     R"({"device": "tv"})"),
                                    kNow, "", out);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->user_id, "ann");
  EXPECT_EQ(record->weight, 4.0);
  EXPECT_EQ(record->timestamp_us, kNow - 5);
  EXPECT_EQ(record->metadata, R"({"device": "tv"})");
}

TEST_F(InteractionValidatorTest, MissingTimestampMeansNow) {
  std::vector<FieldError> out;
  auto record = validator_.validate(make_interaction("ann", "movies", "m1", "view"), kNow, "", out);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->timestamp_us, kNow);
}

TEST_F(InteractionValidatorTest, WeightsComeFromConfigAndRatingsFromTheNeutralPoint) {
  auto weight = [&](const char* type, std::optional<double> rating, std::optional<double> count = std::nullopt) {
    Interaction in = make_interaction("ann", "movies", "m1", type);
    in.rating = rating;
    in.count = count;
    return validator_.weight(in);
  };
  EXPECT_EQ(weight("view", std::nullopt), 1.0);
  EXPECT_EQ(weight("click", std::nullopt), 1.5);
  EXPECT_EQ(weight("skip", std::nullopt), -1.0);
  EXPECT_EQ(weight("dislike", std::nullopt), -4.0);
  EXPECT_EQ(weight("rating", 4.5), 1.5);
  EXPECT_EQ(weight("rating", 1.0), -2.0);
  EXPECT_EQ(weight("like", 1.0), 4.0);  // a rating on another type does not change its weight
  EXPECT_EQ(weight("play", std::nullopt, 12.0), 12.0);  // a count multiplies the type's weight
  EXPECT_EQ(weight("skip", std::nullopt, 3.0), -3.0);
}

TEST_F(InteractionValidatorTest, ACountMustBePositiveAndIsNotForRatings) {
  Interaction in = make_interaction("ann", "movies", "m1", "play");
  in.count = 0.0;
  EXPECT_EQ(only_problem(in).field, "count");
  in.count = std::nan("");
  EXPECT_EQ(only_problem(in).field, "count");
  in = make_interaction("ann", "movies", "m1", "rating");
  in.rating = 4.0;
  in.count = 2.0;
  auto p = only_problem(in);
  EXPECT_EQ(p.field, "count");
  EXPECT_THAT(p.message, HasSubstr("rating"));
}

TEST_F(InteractionValidatorTest, RatingsFollowTheirDomainsScale) {
  config::Config c;
  c.domains.at("movies").ratings = {.min = 0, .max = 10, .neutral = 6};
  InteractionValidator v(c.interactions, c.domains);
  Interaction in = make_interaction("ann", "movies", "m1", "rating");
  in.rating = 9.0;
  std::vector<FieldError> problems;
  auto record = v.validate(in, kNow, "", problems);
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->weight, 3.0);
  in.domain = "music";  // still 0.5 to 5
  v.validate(in, kNow, "", problems);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].field, "rating");
  EXPECT_THAT(problems[0].message, HasSubstr("between 0.5 and 5"));
}

TEST_F(InteractionValidatorTest, IdsMustBeNonEmptyShortValidUtf8) {
  auto p = only_problem(make_interaction("", "movies", "m1", "view"));
  EXPECT_EQ(p.field, "user_id");
  EXPECT_EQ(p.message, "must not be empty");

  p = only_problem(make_interaction("ann", "movies", std::string(257, 'x'), "view"));
  EXPECT_EQ(p.field, "item_id");
  EXPECT_EQ(p.message, "must be at most 256 bytes (got 257)");

  EXPECT_TRUE(problems(make_interaction(std::string(256, 'x'), "movies", "m1", "view")).empty());

  p = only_problem(make_interaction("ann\xC3", "movies", "m1", "view"));
  EXPECT_EQ(p.field, "user_id");
  EXPECT_EQ(p.message, "must be valid UTF-8");

  EXPECT_TRUE(problems(make_interaction("Zoë 🎬", "movies", "m1", "view")).empty());
}

TEST_F(InteractionValidatorTest, DomainMustBeKnownAndEnabled) {
  auto p = only_problem(make_interaction("ann", "books", "b1", "view"));
  EXPECT_EQ(p.field, "domain");
  EXPECT_EQ(p.message, "unknown domain 'books' (known: movies, music)");

  p = only_problem(make_interaction("ann", "tasks", "t1", "view"));
  EXPECT_EQ(p.field, "domain");
  EXPECT_EQ(p.message, "domain 'tasks' is disabled");

  p = only_problem(make_interaction("ann", "", "t1", "view"));
  EXPECT_EQ(p.field, "domain");
  EXPECT_EQ(p.message, "must not be empty");
}

TEST_F(InteractionValidatorTest, TypeMustBeConfigured) {
  auto p = only_problem(make_interaction("ann", "movies", "m1", "teleport"));
  EXPECT_EQ(p.field, "interaction_type");
  EXPECT_EQ(p.message,
            "unknown interaction type 'teleport' (known: click, complete, dislike, like, open, play, rating, share, "
            "skip, view)");
  p = only_problem(make_interaction("ann", "movies", "m1", ""));
  EXPECT_EQ(p.field, "interaction_type");
  EXPECT_EQ(p.message, "must not be empty");
}

TEST_F(InteractionValidatorTest, RatingIsRequiredForRatingsAndMustBeFiniteAndInRange) {
  auto p = only_problem(make_interaction("ann", "movies", "m1", "rating"));
  EXPECT_EQ(p.field, "rating");
  EXPECT_EQ(p.message, "is required for interaction_type 'rating'");

  p = only_problem(make_interaction("ann", "movies", "m1", "rating", 5.5));
  EXPECT_EQ(p.field, "rating");
  EXPECT_EQ(p.message, "must be between 0.5 and 5 (got 5.5)");

  p = only_problem(make_interaction("ann", "movies", "m1", "rating", 0.25));
  EXPECT_EQ(p.message, "must be between 0.5 and 5 (got 0.25)");

  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()}) {
    p = only_problem(make_interaction("ann", "movies", "m1", "rating", bad));
    EXPECT_EQ(p.field, "rating");
    EXPECT_EQ(p.message, "must be a finite number");
  }
  EXPECT_TRUE(problems(make_interaction("ann", "movies", "m1", "rating", 0.5)).empty());
  EXPECT_TRUE(problems(make_interaction("ann", "movies", "m1", "rating", 5.0)).empty());
  // A rating given with another type is checked too.
  EXPECT_EQ(only_problem(make_interaction("ann", "movies", "m1", "like", 9.0)).field, "rating");
}

TEST_F(InteractionValidatorTest, TimestampBetween1970AndADayAhead) {
  auto p = only_problem(make_interaction("ann", "movies", "m1", "view", std::nullopt, -1));
  EXPECT_EQ(p.field, "timestamp");
  EXPECT_EQ(p.message, "must not be before 1970-01-01 (got 1969-12-31T23:59:59.999999Z)");

  p = only_problem(make_interaction("ann", "movies", "m1", "view", std::nullopt, kNow + kMicrosPerDay + 1));
  EXPECT_EQ(p.field, "timestamp");
  EXPECT_EQ(p.message, "must not be more than a day in the future (got 2024-05-02T12:30:00.000001Z)");

  EXPECT_TRUE(problems(make_interaction("ann", "movies", "m1", "view", std::nullopt, 0)).empty());
  EXPECT_TRUE(problems(make_interaction("ann", "movies", "m1", "view", std::nullopt, kNow + kMicrosPerDay)).empty());
}

TEST_F(InteractionValidatorTest, MetadataMustBeASmallJsonObject) {
  auto p = only_problem(make_interaction("ann", "movies", "m1", "view", std::nullopt, std::nullopt, "{not json"));
  EXPECT_EQ(p.field, "metadata");
  EXPECT_EQ(p.message, "must be valid JSON");

  p = only_problem(make_interaction("ann", "movies", "m1", "view", std::nullopt, std::nullopt, "[1, 2]"));
  EXPECT_EQ(p.field, "metadata");
  EXPECT_EQ(p.message, "must be a JSON object");

  std::string big = R"({"pad": ")" + std::string(70 * 1024, 'x') + "\"}";
  p = only_problem(make_interaction("ann", "movies", "m1", "view", std::nullopt, std::nullopt, big));
  EXPECT_EQ(p.field, "metadata");
  EXPECT_EQ(p.message, "must be at most 65536 bytes (got " + std::to_string(big.size()) + ")");

  EXPECT_TRUE(problems(make_interaction("ann", "movies", "m1", "view", std::nullopt, std::nullopt, " {} ")).empty());
}

TEST_F(InteractionValidatorTest, ReportsEveryProblemAtOnceWithThePrefix) {
  auto all = problems(make_interaction("", "books", "", "teleport", std::nan(""), -5, "[]"), "interactions[3].");
  std::vector<std::string> fields;
  for (const auto& p : all) fields.push_back(p.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"interactions[3].user_id", "interactions[3].domain",
                                              "interactions[3].item_id", "interactions[3].interaction_type",
                                              "interactions[3].rating", "interactions[3].timestamp",
                                              "interactions[3].metadata"}));
}

TEST_F(InteractionValidatorTest, EchoedValuesAreCutAndNeverInvalidUtf8) {
  auto p = only_problem(make_interaction("ann", std::string(100, 'd'), "m1", "view"));
  EXPECT_EQ(p.message, "unknown domain '" + std::string(64, 'd') + "...' (known: movies, music)");
  p = only_problem(make_interaction("ann", "movies", "m1", "vi\xFFw"));
  EXPECT_NE(p.message.find("(invalid UTF-8)"), std::string::npos) << p.message;
}

}  // namespace
}  // namespace mxn::tracking
