// A minimal FastCGI client for the tests that speak to bazaar-host's socket
// directly, as nginx does, to control connections exactly: keep one open
// between requests (FCGI_KEEP_CONN), open one and send nothing, close one.
// One request at a time per connection, GET only, loopback unix socket.
#pragma once

#include <memory>
#include <string>

namespace bazaar::testing {

struct FcgiAnswer {
  int status = 0;       // 0: no complete answer (closed, timed out, malformed)
  std::string body;     // after the CGI headers
  bool ended = false;   // FCGI_END_REQUEST arrived
};

class FcgiConnection {
 public:
  // Connects to the unix socket; null (with the reason in *error) if it cannot.
  static std::unique_ptr<FcgiConnection> open(const std::string& socket_path,
                                              std::string* error = nullptr);
  ~FcgiConnection();
  FcgiConnection(const FcgiConnection&) = delete;
  FcgiConnection& operator=(const FcgiConnection&) = delete;

  // Sends GET `uri`; `keep` sets FCGI_KEEP_CONN (the server must not close the
  // connection after answering). Waits at most timeout_ms for the whole answer.
  FcgiAnswer get(const std::string& uri, bool keep, int timeout_ms = 5000);
  // True once the server has closed the connection (EOF), within timeout_ms.
  bool closed_by_server(int timeout_ms);

 private:
  explicit FcgiConnection(int fd) : fd_(fd) {}
  int fd_;
  int next_id_ = 1;
};

}  // namespace bazaar::testing
