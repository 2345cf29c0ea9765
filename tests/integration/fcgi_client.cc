#include "fcgi_client.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <utility>
#include <vector>

namespace bazaar::testing {
namespace {

// FastCGI 1.0 record types and roles (the specification's numbers).
constexpr uint8_t kBeginRequest = 1;
constexpr uint8_t kEndRequest = 3;
constexpr uint8_t kParams = 4;
constexpr uint8_t kStdin = 5;
constexpr uint8_t kStdout = 6;
constexpr uint8_t kResponder = 1;
constexpr uint8_t kKeepConn = 1;

void append_record(std::string& out, uint8_t type, int id, const std::string& content) {
  const size_t n = content.size();
  out += static_cast<char>(1);  // version
  out += static_cast<char>(type);
  out += static_cast<char>((id >> 8) & 0xff);
  out += static_cast<char>(id & 0xff);
  out += static_cast<char>((n >> 8) & 0xff);
  out += static_cast<char>(n & 0xff);
  out += '\0';  // padding
  out += '\0';  // reserved
  out += content;
}

void append_pair(std::string& out, const std::string& name, const std::string& value) {
  // Names and values here are all shorter than 128 bytes: one length byte each.
  out += static_cast<char>(name.size());
  out += static_cast<char>(value.size());
  out += name;
  out += value;
}

using Clock = std::chrono::steady_clock;

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Reads exactly n bytes before the deadline; false on EOF, error or time-out.
bool read_exactly(int fd, char* buf, size_t n, Clock::time_point deadline) {
  size_t got = 0;
  while (got < n) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    ssize_t r = recv(fd, buf + got, n - got, 0);
    if (r <= 0) return false;
    got += static_cast<size_t>(r);
  }
  return true;
}

}  // namespace

std::unique_ptr<FcgiConnection> FcgiConnection::open(const std::string& socket_path,
                                                     std::string* error) {
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (fd < 0 || socket_path.size() >= sizeof(addr.sun_path)) {
    if (error != nullptr) *error = "socket or path too long";
    if (fd >= 0) close(fd);
    return nullptr;
  }
  memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (error != nullptr) *error = std::string("connect: ") + strerror(errno);
    close(fd);
    return nullptr;
  }
  return std::unique_ptr<FcgiConnection>(new FcgiConnection(fd));
}

FcgiConnection::~FcgiConnection() { close(fd_); }

FcgiAnswer FcgiConnection::get(const std::string& uri, bool keep, int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  const int id = next_id_++;
  std::string begin(8, '\0');
  begin[1] = static_cast<char>(kResponder);
  begin[2] = static_cast<char>(keep ? kKeepConn : 0);
  std::string params;
  append_pair(params, "REQUEST_METHOD", "GET");
  append_pair(params, "REQUEST_URI", uri);
  append_pair(params, "REQUEST_ID", "fcgi-client-" + std::to_string(id));
  std::string out;
  append_record(out, kBeginRequest, id, begin);
  append_record(out, kParams, id, params);
  append_record(out, kParams, id, "");
  append_record(out, kStdin, id, "");
  if (send(fd_, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) return {};

  FcgiAnswer answer;
  std::string stdout_text;
  for (;;) {
    char header[8];
    if (!read_exactly(fd_, header, sizeof(header), deadline)) break;
    const auto type = static_cast<uint8_t>(header[1]);
    const size_t length = (static_cast<size_t>(static_cast<uint8_t>(header[4])) << 8) |
                          static_cast<uint8_t>(header[5]);
    const size_t padding = static_cast<uint8_t>(header[6]);
    std::vector<char> content(length + padding);
    if (!content.empty() && !read_exactly(fd_, content.data(), content.size(), deadline)) break;
    if (type == kStdout) stdout_text.append(content.data(), length);
    if (type == kEndRequest) {
      answer.ended = true;
      break;
    }
  }
  size_t end_of_headers = stdout_text.find("\r\n\r\n");
  if (!answer.ended || !stdout_text.starts_with("Status: ") || end_of_headers == std::string::npos) {
    return answer;
  }
  answer.status = std::atoi(stdout_text.c_str() + 8);
  answer.body = stdout_text.substr(end_of_headers + 4);
  return answer;
}

bool FcgiConnection::closed_by_server(int timeout_ms) {
  const auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, remaining_ms(deadline)) != 1) return false;
    char c;
    ssize_t r = recv(fd_, &c, 1, 0);
    if (r == 0) return true;
    if (r < 0) return errno == ECONNRESET;
  }
}

}  // namespace bazaar::testing
