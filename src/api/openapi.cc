#include "api/openapi.h"

#include <algorithm>
#include <cctype>

namespace mxn::api {

namespace {

using nlohmann::json;

json error_schema() {
  return json::parse(R"json({
    "type": "object",
    "required": ["error"],
    "properties": {
      "error": {
        "type": "object",
        "required": ["code", "message", "field"],
        "properties": {
          "code": {"type": "string", "description": "machine-readable error code, e.g. invalid_argument"},
          "message": {"type": "string"},
          "field": {"type": ["string", "null"], "description": "the input field at fault, if any"},
          "problems": {
            "type": "array",
            "description": "every problem, when there are several",
            "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}
          }
        }
      }
    }
  })json");
}

std::string operation_id(const Route& r) {
  std::string id(method_name(r.method));
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  bool upper = true;
  for (char c : r.pattern) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      id += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
      upper = false;
    } else {
      upper = true;
    }
  }
  return id;
}

json error_response(const std::string& description) {
  return {{"description", description},
          {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
}

}  // namespace

json openapi_document(const std::vector<Route>& routes, const std::string& version) {
  json paths = json::object();
  for (const auto& r : routes) {
    json op = {{"operationId", operation_id(r)}, {"summary", r.summary}, {"tags", {r.tag}}};
    // The example's values: path segments where the pattern has parameters, and its query.
    Request example;
    if (!r.example_target.empty()) parse_target(r.example_target, example);
    const auto example_segments = split_path(example.path);
    json params = json::array();
    const auto pattern_segments = split_path(r.pattern);
    for (std::size_t i = 0; i < pattern_segments.size(); ++i) {
      const std::string& segment = pattern_segments[i];
      if (segment.size() > 2 && segment.front() == '{') {
        json param = {{"name", segment.substr(1, segment.size() - 2)},
                      {"in", "path"},
                      {"required", true},
                      {"schema", {{"type", "string"}}}};
        if (i < example_segments.size())
          param["example"] = percent_decode(example_segments[i], false, "path");
        params.push_back(std::move(param));
      }
    }
    for (const auto& q : r.query_params) {
      json param = {{"name", q.name},
                    {"in", "query"},
                    {"required", q.required},
                    {"description", q.description},
                    {"schema", {{"type", q.type}}}};
      if (auto value = example.query_param(q.name)) param["example"] = *value;
      params.push_back(std::move(param));
    }
    if (!params.empty()) op["parameters"] = params;
    if (!r.request_schema.is_null()) {
      json body = {{"schema", r.request_schema}};
      if (!r.example_body.is_null()) body["example"] = r.example_body;
      op["requestBody"] = {{"required", true}, {"content", {{"application/json", body}}}};
    }
    if (!r.example_target.empty()) op["x-example-target"] = r.example_target;
    json success = {{"description", "success"}};
    if (!r.response_schema.is_null()) success["content"] = {{r.content_type, {{"schema", r.response_schema}}}};
    op["responses"] = {{std::to_string(r.success_status), success}};
    if (r.created_status != 0) {
      success["description"] = "created";
      op["responses"][std::to_string(r.created_status)] = success;
    }
    if (!r.request_schema.is_null() || !params.empty()) {
      op["responses"]["400"] = error_response("malformed request (e.g. invalid JSON)");
      op["responses"]["422"] = error_response("a field has an invalid value; `field` names it");
      op["responses"]["404"] = error_response("unknown domain, user or item");
    }
    // An open route (/health) needs no key ({} in the list: none is an option) but refuses a wrong one.
    op["security"] = json::array({{{"apiKey", json::array()}}, {{"bearer", json::array()}}});
    if (r.needs_key) {
      op["responses"]["401"] = error_response("missing or invalid API key (when keys are configured)");
    } else {
      op["responses"]["401"] = error_response("invalid API key (none is needed; one given must be valid)");
      op["security"].insert(op["security"].begin(), json::object());
    }
    if (!r.request_schema.is_null()) op["responses"]["413"] = error_response("request body too large");
    op["responses"]["500"] = error_response("internal error");
    std::string method(method_name(r.method));
    std::transform(method.begin(), method.end(), method.begin(), [](unsigned char c) { return std::tolower(c); });
    paths[r.pattern][method] = op;
  }
  return {{"openapi", "3.1.0"},
          {"info",
           {{"title", "mxn"},
            {"version", version},
            {"description", "Personalised recommendations, interaction tracking, training and automation."}}},
          {"servers", {{{"url", "/"}}}},
          {"paths", paths},
          {"components",
           {{"schemas", {{"Error", error_schema()}}},
            {"securitySchemes",
             {{"apiKey", {{"type", "apiKey"}, {"in", "header"}, {"name", "X-API-Key"}}},
              {"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}}}}};
}

const std::string& docs_page() {
  static const std::string page = R"html(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mxn API</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222;padding:0 1rem}
h1{margin-bottom:0}.op{border:1px solid #ddd;border-radius:6px;margin:.6rem 0;padding:.4rem .8rem}
.m{display:inline-block;min-width:4.5rem;font-weight:bold}.GET{color:#0a7}.POST{color:#07c}.PUT{color:#a60}
.DELETE{color:#c33}code,pre{background:#f6f6f6;border-radius:4px}pre{padding:.5rem;overflow:auto;font-size:.8rem}
summary{cursor:pointer}h2{margin-top:1.6rem;text-transform:capitalize}
</style></head><body>
<h1>mxn API</h1><p id="desc">Loading <a href="openapi.json">openapi.json</a>…</p><div id="ops"></div>
<script>
const esc = s => String(s).replace(/[&<>"]/g, c => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]));
fetch('openapi.json').then(r => r.json()).then(doc => {
  document.getElementById('desc').textContent = doc.info.description + ' (version ' + doc.info.version + ')';
  const groups = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) (groups[op.tags[0]] ||= []).push([path, method, op]);
  let html = '';
  for (const [tag, list] of Object.entries(groups)) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const [path, method, op] of list) {
      const m = method.toUpperCase();
      html += '<details class="op"><summary><span class="m ' + m + '">' + m + '</span><code>' + esc(path) +
              '</code> ' + esc(op.summary) + '</summary>';
      if (op.parameters) html += '<p>Parameters: ' + op.parameters.map(p => '<code>' + esc(p.name) + '</code> (' +
          p.in + (p.required ? ', required' : '') + ')' + (p.description ? ' ' + esc(p.description) : '')).join('; ') + '</p>';
      if (op['x-example-target']) {
        const body = op.requestBody && op.requestBody.content['application/json'].example;
        html += '<p>Example:</p><pre>curl -X ' + m + " 'http://localhost:8000" + esc(op['x-example-target']) + "'" +
            (body ? " -H 'Content-Type: application/json' -d '" + esc(JSON.stringify(body)) + "'" : '') + '</pre>';
      }
      if (op.requestBody) html += '<p>Request body:</p><pre>' +
          esc(JSON.stringify(op.requestBody.content['application/json'].schema, null, 2)) + '</pre>';
      for (const [status, r] of Object.entries(op.responses)) {
        html += '<p>' + status + ': ' + esc(r.description) + '</p>';
        if (status < 300 && r.content) html += '<pre>' + esc(JSON.stringify(Object.values(r.content)[0].schema, null, 2)) + '</pre>';
      }
      html += '</details>';
    }
  }
  document.getElementById('ops').innerHTML = html;
});
</script></body></html>
)html";
  return page;
}

}  // namespace mxn::api
