// Maps (method, path) to a route id, extracting {name} path parameters.
//
// Patterns are '/'-separated literal segments and {name} parameters. At each
// segment a literal match is preferred over a parameter, with backtracking, so
// "/orders/mine" and "/orders/{id}" coexist. Path parameter values are
// percent-decoded. Built once per process, then read concurrently (const).
#pragma once

#include <bazaar/result.hpp>

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::host {

class Router {
 public:
  enum class Outcome { kFound, kNotFound, kMethodNotAllowed, kBadPath };

  struct Match {
    Outcome outcome = Outcome::kNotFound;
    size_t route_id = 0;
    std::vector<std::string> param_values;  // in the pattern's parameter order
    std::string allowed;                    // for kMethodNotAllowed: "GET, POST"
  };

  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  // Registers a route. Errors: malformed pattern, an unsupported method, the same
  // method and shape registered twice, or a parameter renamed at the same position.
  Status add(std::string_view method, std::string_view pattern, size_t route_id);

  Match match(std::string_view method, std::string_view path) const;

  // Parameter names of a registered pattern, in order.
  static Result<std::vector<std::string>> parameter_names(std::string_view pattern);

 private:
  struct Node;
  std::unique_ptr<Node> root_;
};

}  // namespace bazaar::host
