#pragma once
// The route table: every endpoint of the API in one place, with the schemas the OpenAPI document shows.

#include <vector>

#include "api/router.h"
#include "api/services.h"

namespace mxn::api {

/// Every route, bound to `services` (which must outlive the routes). Includes /openapi.json and /docs.
std::vector<Route> make_routes(Services& services);

}  // namespace mxn::api
