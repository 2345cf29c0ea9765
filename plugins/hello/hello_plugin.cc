// hello: the smallest useful plugin, and the shape every plugin follows.
// GET  /api/v1/hello           public greeting (the benchmark's trivial route)
// GET  /api/v1/hello/{name}    path parameter, query parameter
// GET  /api/v1/whoami          any signed-in caller: role and id from the token
// POST /api/v1/echo            a signed-in user: typed JSON body round-trip
#include <bazaar/sdk.hpp>

#include <string>

namespace {

using bazaar::Result;
using bazaar::sdk::Json;
using bazaar::sdk::Reply;
using bazaar::sdk::Request;

struct EchoBody {
  std::string message;
  int64_t count = 1;
};

void from_json(const Json& j, EchoBody& b) {
  j.at("message").get_to(b.message);
  if (j.contains("count")) j.at("count").get_to(b.count);
}

class Hello {
 public:
  // plugin.hello.greeting: the word before the name (default "hello").
  explicit Hello(bazaar::sdk::Host host)
      : host_(host), greeting_(bazaar::sdk::or_throw(host.config_string("greeting", "hello"))) {}

  Result<Reply> root(const Request&) { return Reply::json({{"message", greeting_}}); }

  Result<Reply> greet(const Request& req) {
    std::string name(req.param("name"));
    if (name.size() > 64) return bazaar::invalid_argument("NAME_TOO_LONG", "name is over 64 bytes");
    std::string lang = req.query("lang").value_or("en");
    return Reply::json({{"message", greeting_ + ", " + name}, {"lang", lang}});
  }

  Result<Reply> whoami(const Request& req) {
    const bz_identity& id = req.identity();
    const char* role = id.role == BZ_ROLE_USER       ? "user"
                       : id.role == BZ_ROLE_MERCHANT ? "merchant"
                                                     : "ops";
    return Reply::json({{"role", role}, {"id", id.subject_id}});
  }

  Result<Reply> echo(const Request& req) {
    auto body = req.json_as<EchoBody>();
    if (!body.ok()) return body.error();
    if (body->count < 1 || body->count > 10) {
      return bazaar::invalid_argument("BAD_COUNT", "count must be from 1 to 10");
    }
    host_.count("echoes");
    return Reply::json({{"message", body->message}, {"count", body->count},
                        {"user", req.identity().subject_id}});
  }

 private:
  bazaar::sdk::Host host_;
  std::string greeting_;
};

constexpr bz_route kRoutes[] = {
    bazaar::sdk::route<&Hello::root>("GET", "/api/v1/hello", BZ_ROLE_PUBLIC),
    bazaar::sdk::route<&Hello::greet>("GET", "/api/v1/hello/{name}", BZ_ROLE_PUBLIC),
    bazaar::sdk::route<&Hello::whoami>("GET", "/api/v1/whoami", BZ_ROLE_ANY),
    bazaar::sdk::route<&Hello::echo>("POST", "/api/v1/echo", BZ_ROLE_USER),
};

}  // namespace

BAZAAR_PLUGIN(Hello, "hello", "1.0.0", kRoutes)
