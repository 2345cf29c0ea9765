#include "worker/router.h"

#include <array>
#include <set>

namespace bazaar::host {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> literals;
  std::unique_ptr<Node> param;
  std::string param_name;
  std::map<std::string, size_t, std::less<>> methods;  // method -> route id
};

namespace {

constexpr std::array<std::string_view, 5> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE"};

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  path.remove_prefix(1);  // leading '/'
  while (true) {
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return false;
    int hi = hex(in[i + 1]);
    int lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return false;
    out.push_back(c);
    i += 2;
  }
  return true;
}

bool is_param(std::string_view seg) {
  return seg.size() >= 3 && seg.front() == '{' && seg.back() == '}';
}

bool valid_name(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

bool valid_literal(std::string_view seg) {
  if (seg.empty()) return false;
  for (char c : seg) {
    if (c == '{' || c == '}' || c == '%' || c == '?' || c == '#') return false;
  }
  return seg != "." && seg != "..";
}

}  // namespace

Router::Router() : root_(std::make_unique<Node>()) {}
Router::~Router() = default;
Router::Router(Router&&) noexcept = default;
Router& Router::operator=(Router&&) noexcept = default;

Result<std::vector<std::string>> Router::parameter_names(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    return invalid_argument("BAD_ROUTE", "pattern must start with '/': " + std::string(pattern));
  }
  std::vector<std::string> names;
  for (std::string_view seg : split(pattern)) {
    if (is_param(seg)) {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!valid_name(name)) {
        return invalid_argument("BAD_ROUTE", "bad parameter name in " + std::string(pattern));
      }
      for (const auto& n : names) {
        if (n == name) {
          return invalid_argument("BAD_ROUTE", "parameter repeated in " + std::string(pattern));
        }
      }
      names.emplace_back(name);
    } else if (!valid_literal(seg)) {
      return invalid_argument("BAD_ROUTE", "bad segment in " + std::string(pattern));
    }
  }
  return names;
}

Status Router::add(std::string_view method, std::string_view pattern, size_t route_id) {
  bool known_method = false;
  for (auto m : kMethods) known_method = known_method || m == method;
  if (!known_method) {
    return invalid_argument("BAD_ROUTE", "unsupported method " + std::string(method));
  }
  auto names = parameter_names(pattern);
  if (!names.ok()) return names.error();

  Node* node = root_.get();
  for (std::string_view seg : split(pattern)) {
    if (is_param(seg)) {
      std::string_view name = seg.substr(1, seg.size() - 2);
      if (!node->param) {
        node->param = std::make_unique<Node>();
        node->param->param_name = std::string(name);
      } else if (node->param->param_name != name) {
        return invalid_argument("BAD_ROUTE", std::string(pattern) + " names a parameter {" +
                                                 std::string(name) + "} where another route has {" +
                                                 node->param->param_name + "}");
      }
      node = node->param.get();
    } else {
      auto it = node->literals.find(seg);
      if (it == node->literals.end()) {
        it = node->literals.emplace(std::string(seg), std::make_unique<Node>()).first;
      }
      node = it->second.get();
    }
  }
  if (node->methods.count(method) != 0) {
    return invalid_argument("DUPLICATE_ROUTE",
                            std::string(method) + " " + std::string(pattern) + " is already routed");
  }
  node->methods.emplace(std::string(method), route_id);
  return ok_status();
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match result;
  if (path.empty() || path.front() != '/') {
    result.outcome = Outcome::kBadPath;
    return result;
  }
  std::vector<std::string_view> segs = split(path);
  for (std::string_view seg : segs) {
    if (seg == "." || seg == "..") {
      result.outcome = Outcome::kBadPath;
      return result;
    }
  }

  // Depth-first walk preferring literals; `values` holds raw parameter segments.
  // A route that matches the path but not the method does not stop the walk (a
  // parameter route may serve the method); its methods go to the Allow list.
  std::vector<std::string_view> values;
  std::set<std::string_view> allowed;
  const Node* found = nullptr;
  auto walk = [&](auto&& self, const Node* node, size_t depth) -> bool {
    if (depth == segs.size()) {
      if (node->methods.find(method) == node->methods.end()) {
        for (const auto& entry : node->methods) allowed.insert(entry.first);
        return false;
      }
      found = node;
      return true;
    }
    std::string_view seg = segs[depth];
    if (seg.empty()) return false;
    if (auto it = node->literals.find(seg); it != node->literals.end()) {
      if (self(self, it->second.get(), depth + 1)) return true;
    }
    if (node->param) {
      values.push_back(seg);
      if (self(self, node->param.get(), depth + 1)) return true;
      values.pop_back();
    }
    return false;
  };
  if (!walk(walk, root_.get(), 0)) {
    if (allowed.empty()) return result;
    result.outcome = Outcome::kMethodNotAllowed;
    for (std::string_view name : allowed) {
      if (!result.allowed.empty()) result.allowed += ", ";
      result.allowed += name;
    }
    return result;
  }

  auto m = found->methods.find(method);
  result.param_values.reserve(values.size());
  for (std::string_view raw : values) {
    std::string decoded;
    if (!percent_decode(raw, decoded)) {
      result.outcome = Outcome::kBadPath;
      result.param_values.clear();
      return result;
    }
    result.param_values.push_back(std::move(decoded));
  }
  result.outcome = Outcome::kFound;
  result.route_id = m->second;
  return result;
}

}  // namespace bazaar::host
