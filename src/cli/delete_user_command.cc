// mxn delete-user --user U: forgets a user (a user's request to be forgotten, with no server running):
// their interactions in every domain, served lists and user row, in one transaction. Models trained before
// keep what they learned from the user until the next training (README: Deleting data).

#include <iostream>

#include "cli/commands.h"
#include "core/error.h"
#include "core/log.h"
#include "core/utf8.h"
#include "warehouse/warehouse.h"

namespace mxn::cli {

void add_delete_user(CLI::App& app, Run& run) {
  auto* cmd =
      app.add_subcommand("delete-user", "Forget a user: interactions (every domain), served lists, user row");
  auto user = std::make_shared<std::string>();
  cmd->add_option("--user", *user, "User id")->required();
  cmd->callback([&run, user] {
    run = [user](const config::Config& config) {
      warehouse::Warehouse wh(config.warehouse);
      const auto deleted = wh.delete_user(*user);
      if (!deleted.known) throw Error(Code::kNotFound, "unknown user " + quote(*user), "user");
      log::info("audit.user_deleted", "user_id", *user, "interactions", deleted.interactions, "served_lists",
                deleted.served_lists);
      std::cout << "deleted user " << *user << ": " << deleted.interactions << " interactions, "
                << deleted.served_lists << " served lists\n";
    };
  });
}

}  // namespace mxn::cli
