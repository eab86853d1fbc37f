// mxn import --domain D (--interactions FILE | --items FILE) [--delimiter C] [--no-header] [column mapping]:
// delimited text or Parquet through DuckDB's own readers, all or nothing, each distinct problem reported
// once with its rows and lines.

#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "cli/commands.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

namespace {
struct ImportArgs {
  std::string domain, interactions, items;
  warehouse::CsvImportOptions x;
  warehouse::ItemImportOptions i;
  std::string type_col;  // set: read the type per row; unset: --type (default "rating" only with --rating-col)
  std::string delimiter = ",";
  bool no_header = false;
};
}  // namespace

void add_import(CLI::App& app, Run& run) {
  auto* cmd = app.add_subcommand("import", "Load interactions or catalog items from a CSV or Parquet file");
  auto a = std::make_shared<ImportArgs>();
  cmd->add_option("--domain", a->domain, "Domain the rows belong to")->required();
  auto* files = cmd->add_option_group("file", "What to load");
  files->add_option("--interactions", a->interactions, "Interactions file (delimited text, or .parquet)");
  files->add_option("--items", a->items, "Catalog items file (delimited text, or .parquet)");
  files->require_option(1);
  cmd->add_option("--delimiter", a->delimiter,
                  "CSV: the column separator, one character; '\\t' or tab for a tab")
      ->capture_default_str();
  cmd->add_flag(
      "--no-header", a->no_header,
      "CSV: the file has no header row; name columns by position, 1 for the first (e.g. --user-col 1)");
  cmd->add_option("--user-col", a->x.user_col, "Interactions: user id column")->capture_default_str();
  cmd->add_option("--item-col", a->x.item_col, "Item id column (interactions and items)")->capture_default_str();
  cmd->add_option("--rating-col", a->x.rating_col,
                  "Interactions: rating column (on the domain's scale, domains.<d>.ratings)")
      ->capture_default_str();
  cmd->add_option("--count-col", a->x.count_col,
                  "Interactions: count column, e.g. plays: weight = the type's weight x count (> 0)");
  cmd->add_option("--time-col", a->x.time_col, "Interactions: timestamp column (epoch seconds or ISO-8601)")
      ->capture_default_str();
  cmd->add_option("--type-col", a->type_col, "Interactions: interaction type column (default: --type for every row)");
  cmd->add_option("--type", a->x.fixed_type, "Interactions: one type for every row, e.g. rating")
      ->capture_default_str();
  cmd->add_option("--metadata-col", a->x.metadata_col, "Metadata column (a JSON object)")->capture_default_str();
  cmd->add_option("--title-col", a->i.title_col, "Items: title column")->capture_default_str();
  cmd->add_option("--description-col", a->i.description_col, "Items: description column")->capture_default_str();
  cmd->add_option("--tags-col", a->i.tags_col, "Items: tags / genres column")->capture_default_str();
  cmd->add_option("--tags-sep", a->i.tags_separator, "Items: separator inside the tags column")->capture_default_str();
  cmd->callback([&run, a] {
    run = [a](const config::Config& config) {
      config.domain(a->domain);  // unknown or disabled: a clear error before reading anything
      const std::string delimiter = a->delimiter == "\\t" || a->delimiter == "tab" ? "\t" : a->delimiter;
      if (delimiter.size() != 1)
        throw Error(Code::kInvalidArgument, "must be one character, or \\t", "delimiter");
      const warehouse::TextFormat format{.delimiter = delimiter[0], .header = !a->no_header};
      warehouse::Warehouse wh(config.warehouse);
      const auto start = std::chrono::steady_clock::now();
      std::int64_t rows = 0;
      if (!a->items.empty()) {
        warehouse::ItemImportOptions o = a->i;
        o.format = format;
        o.domain = a->domain;
        o.item_col = a->x.item_col;
        o.metadata_col = a->x.metadata_col;
        rows = wh.import_items(a->items, o);
      } else {
        warehouse::CsvImportOptions o = a->x;
        o.format = format;
        o.fixed_domain = a->domain;
        if (!a->type_col.empty()) {
          o.type_col = a->type_col;
          o.fixed_type.clear();
        } else if (o.fixed_type.empty()) {
          throw Error(Code::kInvalidArgument, "give --type (one type for every row) or --type-col", "type");
        }
        o.type_weights = config.interactions.types;
        o.max_metadata_bytes = config.interactions.max_metadata_bytes;
        o.domains = {{a->domain, config.domain(a->domain).ratings}};
        rows = wh.import_interactions_csv(a->interactions, o);
      }
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::cout << fmt::format("imported {} {} into {} ({}) in {:.1f} s\n", rows,
                               a->items.empty() ? "interactions" : "items", a->domain, wh.path(), secs);
    };
  });
}

}  // namespace mxn::cli
