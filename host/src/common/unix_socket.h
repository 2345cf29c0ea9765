// Unix-domain listening sockets for the FastCGI listener and the control socket.
#pragma once

#include <bazaar/result.hpp>

#include <string>

namespace bazaar::host {

// Binds and listens on `path` (non-blocking, close-on-exec), with file `mode`.
// A leftover socket file nobody listens on is replaced; a live one is an error
// (another host already serves there).
Result<int> listen_unix(const std::string& path, int backlog, int mode);

// Connects to `path` (blocking, close-on-exec) with send/receive time-outs.
Result<int> connect_unix(const std::string& path, int timeout_ms);

}  // namespace bazaar::host
