#pragma once
// The OpenAPI 3.1 document of the API, generated from the route table that serves requests, and the
// self-contained /docs page that renders it (no external scripts: machines may be offline).

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "api/router.h"

namespace mxn::api {

nlohmann::json openapi_document(const std::vector<Route>& routes, const std::string& version);
const std::string& docs_page();

}  // namespace mxn::api
