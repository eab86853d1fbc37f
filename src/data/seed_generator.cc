#include "data/seed_generator.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numeric>
#include <random>

#include "core/error.h"

namespace mxn::data {

namespace {

constexpr std::int64_t kDayUs = 86400LL * 1000000LL;
constexpr int kHistoryDays = 90;
constexpr double kOffTasteProbability = 0.08;  // a user's pick outside their taste
constexpr double kPopularityExponent = 0.9;    // Zipf exponent of item popularity

/// The vocabulary of one genre (or topic): words for titles and phrases for descriptions.
struct Genre {
  const char* name;
  std::vector<const char*> title_words;
  std::vector<const char*> phrases;
};

const std::vector<Genre>& movie_genres() {
  static const std::vector<Genre> g = {
      {"Sci-Fi", {"Star", "Orbit", "Nebula", "Galaxy", "Android", "Quantum", "Eclipse", "Void", "Horizon", "Colony"},
       {"a crew of astronauts on a space adventure beyond the edge of the galaxy",
        "a starship lost in deep space searching for a new home world", "an android who questions its creators",
        "first contact with an alien civilisation on a distant planet", "a time traveller trying to undo a disaster"}},
      {"Drama", {"Silence", "Letters", "Winter", "Promise", "River", "Inheritance", "Harbor", "Portrait", "Years"},
       {"a family torn apart by a long-buried secret", "a teacher who changes the lives of her students",
        "two brothers reconciling after their father's death", "a small town facing the closure of its mill",
        "a young woman finding her voice against all odds"}},
      {"Comedy", {"Wedding", "Roommates", "Vacation", "Disaster", "Neighbors", "Boss", "Road", "Party", "Mixup"},
       {"a wedding where absolutely everything goes wrong", "two mismatched roommates who cannot stand each other",
        "a family vacation that turns into hilarious chaos", "an office prank that spirals out of control",
        "a clumsy detective who solves cases by accident"}},
      {"Horror", {"Cellar", "Hollow", "Whispers", "Curse", "Shadows", "Asylum", "Ritual", "Night", "Haunting"},
       {"a haunted house with a terrifying presence in the cellar", "campers hunted by something in the woods",
        "a cursed video tape that kills whoever watches it", "a ghost seeking revenge on a quiet village",
        "a nightmare demon that stalks teenagers in their dreams"}},
      {"Romance", {"Summer", "Paris", "Heart", "Kiss", "Moonlight", "Serenade", "Roses", "Forever", "Letters"},
       {"two strangers who fall in love during one summer in Paris", "a love story that spans three decades",
        "childhood sweethearts reunited by chance", "a romance between rivals in a cooking competition",
        "a widower who learns to love again"}},
      {"Action", {"Strike", "Vendetta", "Fury", "Extraction", "Showdown", "Firestorm", "Pursuit", "Impact"},
       {"an elite commando on a rescue mission behind enemy lines", "a heist crew pulling one last explosive job",
        "a former agent hunting the men who betrayed him", "a high-speed car chase across the city",
        "martial arts fighters battling a crime syndicate"}},
      {"Animation", {"Dragon", "Kingdom", "Toys", "Forest", "Little", "Magic", "Friends", "Ocean", "Quest"},
       {"a brave little fox on a magical quest through the enchanted forest", "toys that come alive at night",
        "a young dragon learning to fly with the help of friends", "talking animals saving their ocean home",
        "a princess and a snowman on a musical adventure"}},
      {"Documentary", {"Planet", "Wild", "Story", "Truth", "Frontier", "Ocean", "Voices", "Inside", "Origins"},
       {"a documentary about the wildlife of the deep ocean", "the true story of a famous scientific discovery",
        "filmmakers follow climbers on the world's highest peaks", "an investigation into the global food industry",
        "the history of jazz told by the musicians who made it"}},
      {"Thriller", {"Witness", "Conspiracy", "Trap", "Cipher", "Deception", "Alibi", "Suspect", "Twelve"},
       {"a detective racing to stop a serial killer", "a witness who knows too much about a political conspiracy",
        "a psychological thriller with a shocking twist", "a hacker framed for a crime she did not commit",
        "a kidnapping that is not what it seems"}},
      {"Fantasy", {"Sword", "Realm", "Sorcerer", "Crown", "Prophecy", "Throne", "Elves", "Rune", "Wizard"},
       {"a young wizard destined to defeat a dark sorcerer", "a quest to return a magic ring to the mountain",
        "warring kingdoms and the dragons that rule the skies", "an elf and a dwarf on a perilous journey",
        "a prophecy that chooses an unlikely hero"}},
  };
  return g;
}

const std::vector<Genre>& music_genres() {
  static const std::vector<Genre> g = {
      {"rock", {"Thunder", "Highway", "Rebel", "Electric", "Stone", "Wild", "Burning", "Rain"},
       {"guitar-driven rock anthem", "a loud rock song with a big chorus", "classic rock with a long solo"}},
      {"pop", {"Sugar", "Dance", "Tonight", "Heartbeat", "Glitter", "Crush", "Summer", "Lights"},
       {"catchy pop hit with a sing-along chorus", "upbeat dance pop", "a bright pop ballad about love"}},
      {"jazz", {"Blue", "Midnight", "Swing", "Velvet", "Smoke", "Lounge", "Bop", "Autumn"},
       {"smooth jazz with saxophone improvisation", "a swinging big band tune", "late-night piano trio jazz"}},
      {"hip-hop", {"Street", "Flow", "Crown", "Hustle", "Block", "Gold", "Verse", "Grind"},
       {"hard-hitting hip-hop beat with sharp verses", "laid-back rap over jazzy samples",
        "a hip-hop track about hustle and ambition"}},
      {"classical", {"Sonata", "Nocturne", "Symphony", "Concerto", "Prelude", "Etude", "Requiem", "Fugue"},
       {"a romantic piano sonata", "a symphony for full orchestra", "a violin concerto in three movements"}},
      {"electronic", {"Pulse", "Neon", "Circuit", "Drift", "Voltage", "Synth", "Echo", "Binary"},
       {"pulsing electronic dance track", "ambient synth textures", "a techno groove built for the club"}},
      {"folk", {"Meadow", "Cabin", "Harvest", "Wanderer", "Lantern", "Valley", "Hearth", "Willow"},
       {"acoustic folk song with gentle guitar", "a storytelling folk ballad", "banjo and fiddle folk tune"}},
      {"metal", {"Iron", "Inferno", "Abyss", "Chaos", "Steel", "Venom", "Doom", "Storm"},
       {"heavy metal riffs with pounding drums", "a fast thrash metal track", "doom metal with crushing guitars"}},
  };
  return g;
}

const std::vector<Genre>& task_projects() {
  static const std::vector<Genre> g = {
      {"work", {"Prepare", "Review", "Draft", "Present", "Update", "Plan"},
       {"quarterly report", "project roadmap", "team meeting agenda", "client proposal", "code review"}},
      {"finance", {"Pay", "File", "Check", "Budget", "Reconcile", "Cancel"},
       {"electricity bill", "tax return", "credit card statement", "monthly budget", "insurance policy"}},
      {"health", {"Book", "Schedule", "Go to", "Refill", "Track", "Plan"},
       {"dentist appointment", "annual check-up", "gym session", "prescription", "meal plan for the week"}},
      {"home", {"Fix", "Clean", "Organize", "Replace", "Paint", "Water"},
       {"leaking kitchen tap", "garage", "bookshelf", "smoke detector battery", "the plants on the balcony"}},
      {"learning", {"Read", "Finish", "Practice", "Watch", "Study", "Write"},
       {"chapter of the statistics book", "online course module", "Spanish vocabulary", "lecture on databases",
        "summary of the research paper"}},
      {"errands", {"Buy", "Pick up", "Return", "Drop off", "Order", "Collect"},
       {"groceries", "dry cleaning", "library books", "parcel at the post office", "birthday present"}},
      {"social", {"Call", "Email", "Invite", "Plan", "Write to", "Visit"},
       {"grandmother", "old friends for dinner", "colleagues to the party", "weekend trip with friends",
        "neighbours"}},
      {"travel", {"Book", "Renew", "Pack", "Research", "Confirm", "Print"},
       {"flights to Lisbon", "passport", "suitcase for the trip", "hotels in Kyoto", "train tickets"}},
  };
  return g;
}

const std::vector<Genre>& note_topics() {
  static const std::vector<Genre> g = {
      {"programming", {"Notes on", "Cheatsheet:", "Debugging", "Design of", "Tips for", "Ideas for"},
       {"C++ move semantics and value categories", "database indexing strategies", "writing unit tests",
        "async programming patterns", "git branching workflows"}},
      {"cooking", {"Recipe:", "Notes on", "Shopping list for", "Ideas for", "Tips for", "Variations of"},
       {"sourdough bread with a long fermentation", "a quick weeknight curry", "homemade pasta dough",
        "vegetarian chili", "lemon olive oil cake"}},
      {"travel", {"Itinerary:", "Packing list for", "Notes from", "Plans for", "Budget for", "Ideas for"},
       {"a week in Japan", "hiking in the Alps", "a road trip along the coast", "a city break in Rome",
        "camping in the national park"}},
      {"fitness", {"Plan:", "Log of", "Notes on", "Routine for", "Goals for", "Tips for"},
       {"a beginner running programme", "strength training three days a week", "stretching and mobility",
        "training for a half marathon", "cycling intervals"}},
      {"finance", {"Notes on", "Plan for", "Review of", "Checklist:", "Ideas for", "Budget for"},
       {"index fund investing", "saving for a house deposit", "the monthly household budget",
        "retirement accounts", "reducing subscriptions"}},
      {"books", {"Review of", "Quotes from", "Notes on", "Summary of", "Thoughts on", "Reading list:"},
       {"a classic science fiction novel", "a biography of a famous inventor", "a history of the Roman empire",
        "a book on habits and productivity", "modern poetry collections"}},
      {"gardening", {"Plan for", "Notes on", "Calendar:", "Tips for", "Ideas for", "Log of"},
       {"growing tomatoes on a balcony", "composting kitchen scraps", "spring bulbs", "pruning fruit trees",
        "a herb garden"}},
      {"music", {"Practice log:", "Notes on", "Setlist for", "Chords of", "Ideas for", "Theory of"},
       {"learning jazz guitar chords", "piano scales and arpeggios", "songwriting with a looper",
        "the band's next gig", "music theory basics"}},
  };
  return g;
}

const std::vector<Genre>& genres_of(const std::string& domain) {
  if (domain == "movies") return movie_genres();
  if (domain == "music") return music_genres();
  if (domain == "tasks") return task_projects();
  return note_topics();
}

double domain_share(const std::string& domain) {
  if (domain == "movies") return 0.35;
  if (domain == "music") return 0.40;
  if (domain == "tasks") return 0.15;
  if (domain == "notes") return 0.10;
  return 0.25;
}

/// A 64-bit mix of several integers, to seed one generator per (domain, user) independently of threads.
std::uint64_t mix(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0) {
  std::uint64_t x = a ^ (b * 0x9E3779B97F4A7C15ULL) ^ (c * 0xC2B2AE3D27D4EB4FULL);
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ULL;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

template <class T> const T& pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

double uniform(std::mt19937_64& rng) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }

/// The hidden side of a domain's catalog: each item's genres and popularity, and per genre the items
/// with their cumulative popularity for sampling.
struct PlantedCatalog {
  std::vector<int> genre;         // main genre per item
  std::vector<int> second_genre;  // -1 if none
  std::vector<double> popularity;
  std::vector<std::vector<int>> items_of_genre;
  std::vector<std::vector<double>> cumulative;  // per genre, cumulative popularity of items_of_genre

  PlantedCatalog(int n_items, int n_genres, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    genre.resize(n_items);
    second_genre.assign(n_items, -1);
    std::vector<int> rank(n_items);
    std::iota(rank.begin(), rank.end(), 0);
    std::shuffle(rank.begin(), rank.end(), rng);
    popularity.resize(n_items);
    items_of_genre.resize(n_genres);
    for (int i = 0; i < n_items; ++i) {
      genre[i] = static_cast<int>(rng() % static_cast<std::uint64_t>(n_genres));
      if (uniform(rng) < 0.3) {
        int g2 = static_cast<int>(rng() % static_cast<std::uint64_t>(n_genres));
        if (g2 != genre[i]) second_genre[i] = g2;
      }
      popularity[i] = 1.0 / std::pow(rank[i] + 1.0, kPopularityExponent);
      items_of_genre[genre[i]].push_back(i);
    }
    cumulative.resize(n_genres);
    for (int g = 0; g < n_genres; ++g) {
      double sum = 0;
      for (int i : items_of_genre[g]) cumulative[g].push_back(sum += popularity[i]);
    }
  }

  int sample(int g, std::mt19937_64& rng) const {
    const auto& cum = cumulative[g];
    if (cum.empty()) return -1;
    double r = uniform(rng) * cum.back();
    auto pos = std::upper_bound(cum.begin(), cum.end(), r) - cum.begin();
    return items_of_genre[g][std::min<std::size_t>(static_cast<std::size_t>(pos), cum.size() - 1)];
  }

  /// How much a user with `taste` (max-normalised, 0..1) likes item i.
  double affinity(const std::vector<double>& taste, int i) const {
    double a = taste[genre[i]];
    if (second_genre[i] >= 0) a = std::max(a, 0.8 * taste[second_genre[i]]);
    return a;
  }
};

/// A user's hidden taste over genres: two or three favourites carry most of the mass. Max-normalised.
std::vector<double> user_taste(int n_genres, std::mt19937_64& rng) {
  std::vector<double> taste(n_genres, 0.0);
  int favourites = 2 + static_cast<int>(rng() % 2);
  for (int f = 0; f < favourites; ++f) taste[rng() % static_cast<std::uint64_t>(n_genres)] += 0.5 + uniform(rng);
  double mx = *std::max_element(taste.begin(), taste.end());
  for (double& t : taste) t /= mx;
  return taste;
}

int sample_genre(const std::vector<double>& taste, std::mt19937_64& rng) {
  if (uniform(rng) < kOffTasteProbability) return static_cast<int>(rng() % taste.size());
  double total = std::accumulate(taste.begin(), taste.end(), 0.0);
  double r = uniform(rng) * total;
  for (std::size_t g = 0; g < taste.size(); ++g) {
    if ((r -= taste[g]) <= 0) return static_cast<int>(g);
  }
  return static_cast<int>(taste.size() - 1);
}

/// Type (and rating) of one interaction given the user's affinity for the item.
void choose_type(const std::string& domain, double affinity, std::mt19937_64& rng, Interaction& out) {
  const double r = uniform(rng);
  if (domain == "movies") {
    if (r < 0.7) {
      double noisy = 1.5 + 3.5 * affinity + std::normal_distribution<double>(0.0, 0.6)(rng);
      out.type = "rating";
      out.rating = std::clamp(std::round(noisy * 2.0) / 2.0, 0.5, 5.0);
    } else if (r < 0.9) {
      out.type = "view";
    } else {
      out.type = affinity > 0.4 ? "like" : "dislike";
    }
  } else if (domain == "music") {
    if (uniform(rng) < 0.6 * (1.0 - affinity)) {
      out.type = "skip";
    } else {
      out.type = r < 0.1 + 0.1 * affinity ? "like" : "play";
    }
  } else if (domain == "tasks") {
    out.type = r < 0.5 ? "view" : r < 0.85 ? "complete" : "click";
  } else {
    out.type = r < 0.6 ? "open" : r < 0.85 ? "view" : r < 0.95 ? "like" : "share";
  }
}

std::string title_case_words(std::mt19937_64& rng, const Genre& g, int n) {
  std::string s;
  for (int w = 0; w < n; ++w) {
    if (!s.empty()) s += ' ';
    s += pick(rng, g.title_words);
  }
  return s;
}

const std::array<const char*, 16> kArtistFirst = {"The", "Silver", "Midnight", "Golden", "Electric", "Lonely",
                                                  "Crimson", "Paper", "Northern", "Velvet", "Broken", "Wild",
                                                  "Neon", "Quiet", "Lucky", "Black"};
const std::array<const char*, 16> kArtistSecond = {"Echoes", "Foxes", "Riders", "Lanterns", "Tides", "Wolves",
                                                   "Pilots", "Hearts", "Ghosts", "Kings", "Sparrows", "Engines",
                                                   "Dreamers", "Rivers", "Saints", "Satellites"};

warehouse::CatalogItem make_item(const std::string& domain, int index, const PlantedCatalog& planted, std::int64_t now_us,
               std::uint64_t seed) {
  const auto& genres = genres_of(domain);
  std::mt19937_64 rng(mix(seed, 0xC47A, static_cast<std::uint64_t>(index)));
  const Genre& g = genres[planted.genre[index]];
  const Genre* g2 = planted.second_genre[index] >= 0 ? &genres[planted.second_genre[index]] : nullptr;
  warehouse::CatalogItem item;
  item.domain = domain;
  item.item_id = SeedGenerator::item_prefix(domain) + "_" + std::to_string(index + 1);
  item.tags.push_back(g.name);
  if (g2) item.tags.push_back(g2->name);
  nlohmann::json meta = nlohmann::json::object();
  if (domain == "movies") {
    int year = 1960 + static_cast<int>(rng() % 65);
    // One draw per statement: operands of + are evaluated in an order each compiler picks. This order keeps
    // the data GCC generated before.
    const std::string second_word = title_case_words(rng, g, 1);
    const std::string first_word = title_case_words(rng, g, 1);
    item.title = "The " + first_word + " " + second_word + " (" + std::to_string(year) + ")";
    const std::string also = g2 ? ", and " + std::string(pick(rng, g2->phrases)) : std::string();
    item.description = "A story of " + std::string(pick(rng, g.phrases)) + also + ".";
    meta["year"] = year;
    meta["genres"] = item.tags;
  } else if (domain == "music") {
    // Artists stay within their genre: artist k of genre g is the same name for every song of it.
    int artist_k = static_cast<int>(rng() % 12);
    std::uint64_t a = mix(seed, static_cast<std::uint64_t>(planted.genre[index]), static_cast<std::uint64_t>(artist_k));
    std::string artist = std::string(kArtistFirst[a % 16]) + " " + kArtistSecond[(a >> 8) % 16];
    if (artist_k >= 6) artist += " " + std::string(g.title_words[(a >> 16) % g.title_words.size()]);
    std::string album = title_case_words(rng, g, 2);
    item.title = title_case_words(rng, g, 2) + " - " + artist;
    item.description = std::string(pick(rng, g.phrases)) + " by " + artist + " from the album " + album + ".";
    meta["artist"] = artist;
    meta["album"] = album;
    meta["genre"] = g.name;
    meta["duration_s"] = 150 + static_cast<int>(rng() % 240);
  } else if (domain == "tasks") {
    std::string what = pick(rng, g.phrases);
    item.title = std::string(pick(rng, g.title_words)) + " " + what;
    item.description = "To do (" + std::string(g.name) + "): " + item.title + ".";
    static const std::array<int, 7> kEstimates = {15, 30, 45, 60, 90, 120, 240};
    static const std::array<const char*, 5> kStatus = {"open", "open", "in_progress", "done", "open"};
    std::int64_t due = now_us + (static_cast<std::int64_t>(rng() % 41) - 10) * kDayUs;
    std::time_t due_s = static_cast<std::time_t>(due / 1000000);
    std::tm tm{};
    gmtime_r(&due_s, &tm);
    char date[16];
    std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
    meta["due_date"] = date;
    meta["priority"] = 1 + static_cast<int>(rng() % 4);
    meta["estimate_minutes"] = kEstimates[rng() % kEstimates.size()];
    meta["status"] = kStatus[rng() % kStatus.size()];
    meta["project"] = g.name;
  } else {
    std::string subject = pick(rng, g.phrases);
    item.title = std::string(pick(rng, g.title_words)) + " " + subject;
    item.description = "Personal notes about " + subject + ". " +
                       (g2 ? "Related to " + std::string(pick(rng, g2->phrases)) + ". " : std::string()) +
                       "Topic: " + g.name + ".";
    meta["topic"] = g.name;
  }
  item.metadata = meta.dump();
  return item;
}

std::int64_t resolve_now(std::int64_t now_us) {
  if (now_us != 0) return now_us;
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void SeedOptions::validate() const {
  std::vector<FieldError> problems;
  if (users < 1) problems.push_back({"users", "must be >= 1"});
  if (items < 1) problems.push_back({"items", "must be >= 1"});
  if (interactions < 0) problems.push_back({"interactions", "must be >= 0"});
  if (domains.empty()) problems.push_back({"domains", "must name at least one domain"});
  if (!problems.empty()) throw Error(std::move(problems));
}

SeedGenerator::SeedGenerator(SeedOptions options) : options_(std::move(options)) {
  options_.validate();
  options_.now_us = resolve_now(options_.now_us);
}

std::string SeedGenerator::item_prefix(const std::string& domain) {
  if (domain == "movies") return "movie";
  if (domain == "music") return "song";
  if (domain == "tasks") return "task";
  if (domain == "notes") return "note";
  return domain;
}

std::vector<warehouse::CatalogItem> SeedGenerator::catalog(const std::string& domain) const {
  const auto d = static_cast<std::uint64_t>(std::find(options_.domains.begin(), options_.domains.end(), domain) -
                                            options_.domains.begin());
  PlantedCatalog planted(options_.items, static_cast<int>(genres_of(domain).size()), mix(options_.seed, d, 1));
  std::vector<warehouse::CatalogItem> items;
  items.reserve(static_cast<std::size_t>(options_.items));
  for (int i = 0; i < options_.items; ++i) items.push_back(make_item(domain, i, planted, options_.now_us, options_.seed));
  return items;
}

void SeedGenerator::interactions(std::size_t chunk_size,
                                 const std::function<void(std::vector<Interaction>&)>& sink) const {
  MXN_CHECK(chunk_size > 0, "chunk_size must be > 0");
  // Interactions per domain by share; the rounding remainder goes to the first domains, so they sum exactly.
  double share_total = 0;
  for (const auto& d : options_.domains) share_total += domain_share(d);
  std::vector<std::int64_t> per_domain;
  std::int64_t assigned = 0;
  for (const auto& d : options_.domains) {
    per_domain.push_back(static_cast<std::int64_t>(static_cast<double>(options_.interactions) * domain_share(d) / share_total));
    assigned += per_domain.back();
  }
  for (std::size_t d = 0; assigned < options_.interactions; d = (d + 1) % per_domain.size()) ++per_domain[d], ++assigned;

  // User activity is heavy-tailed (log-normal) and the same across domains.
  std::mt19937_64 activity_rng(mix(options_.seed, 0xAC7));
  std::lognormal_distribution<double> activity_dist(0.0, 0.8);
  std::vector<double> activity(static_cast<std::size_t>(options_.users));
  for (double& a : activity) a = activity_dist(activity_rng);
  const double activity_sum = std::accumulate(activity.begin(), activity.end(), 0.0);

  std::vector<Interaction> chunk;
  chunk.reserve(chunk_size);
  for (std::size_t d = 0; d < options_.domains.size(); ++d) {
    const std::string& domain = options_.domains[d];
    const int n_genres = static_cast<int>(genres_of(domain).size());
    PlantedCatalog planted(options_.items, n_genres, mix(options_.seed, d, 1));
    const std::string prefix = item_prefix(domain) + "_";
    const auto domain_total = static_cast<double>(per_domain[d]);
    double carried = 0;  // rounding remainder carried from user to user; the last user takes what is left
    std::int64_t produced = 0;
    for (int u = 0; u < options_.users; ++u) {
      carried += domain_total * activity[static_cast<std::size_t>(u)] / activity_sum;
      auto n = static_cast<std::int64_t>(carried);
      carried -= static_cast<double>(n);
      if (u + 1 == options_.users) n = per_domain[d] - produced;
      produced += n;
      if (n <= 0) continue;
      std::mt19937_64 rng(mix(options_.seed, d + 2, static_cast<std::uint64_t>(u)));
      const std::vector<double> taste = user_taste(n_genres, rng);
      const std::string user_id = "user" + std::to_string(u + 1);
      for (std::int64_t k = 0; k < n; ++k) {
        int item = planted.sample(sample_genre(taste, rng), rng);
        if (item < 0) item = static_cast<int>(rng() % static_cast<std::uint64_t>(options_.items));
        Interaction x;
        x.user_id = user_id;
        x.domain = domain;
        x.item_id = prefix + std::to_string(item + 1);
        choose_type(domain, planted.affinity(taste, item), rng, x);
        x.timestamp_us = options_.now_us - static_cast<std::int64_t>(uniform(rng) * kHistoryDays * kDayUs) - 1;
        chunk.push_back(std::move(x));
        if (chunk.size() == chunk_size) {
          sink(chunk);
          chunk.clear();
        }
      }
    }
  }
  if (!chunk.empty()) sink(chunk);
}

}  // namespace mxn::data
