// A deliberately small blocking HTTP/1.1 client for the integration tests:
// one request per connection (Connection: close), loopback only.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace bazaar::testing {

struct HttpResult {
  int status = 0;  // 0: the connection failed or timed out
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string error;  // why status is 0
};

HttpResult http_request(int port, const std::string& method, const std::string& path,
                        const std::string& body = "",
                        const std::vector<std::pair<std::string, std::string>>& headers = {},
                        int timeout_ms = 15000);

}  // namespace bazaar::testing
