#include "ctl/pay_command.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <bazaar/payment_signature.h>

#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <sstream>

#include "auth/jwt.h"
#include "common/config.h"

namespace bazaar::ctl {

namespace {

constexpr const char* kPayUsage =
    "usage: bazaarctl [--config FILE] pay --url http://HOST:PORT ORDER_ID [--amount N]\n"
    "       [--txn ID] [--nonce N] [--timestamp S] [--status S]\n";


struct Url {
  std::string host;
  std::string port = "80";
  std::string base;  // path prefix without a trailing '/'
};

std::optional<Url> parse_url(const std::string& text) {
  constexpr std::string_view kScheme = "http://";
  if (text.compare(0, kScheme.size(), kScheme) != 0) return std::nullopt;
  std::string rest = text.substr(kScheme.size());
  Url url;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) url.base = rest.substr(slash);
  while (!url.base.empty() && url.base.back() == '/') url.base.pop_back();
  size_t colon = authority.rfind(':');
  url.host = authority.substr(0, colon);
  if (colon != std::string::npos) url.port = authority.substr(colon + 1);
  if (url.host.empty() || url.port.empty()) return std::nullopt;
  return url;
}

struct HttpAnswer {
  int status = 0;
  std::string body;
  std::string error;  // non-empty: no usable answer
};

std::string dechunk(const std::string& raw) {
  std::string out;
  size_t pos = 0;
  while (pos < raw.size()) {
    size_t eol = raw.find("\r\n", pos);
    if (eol == std::string::npos) break;
    size_t size = std::strtoul(raw.c_str() + pos, nullptr, 16);
    if (size == 0) break;
    out.append(raw, eol + 2, size);
    pos = eol + 2 + size + 2;
  }
  return out;
}

// One blocking HTTP/1.1 exchange with Connection: close (a fake provider
// sends a handful of requests; no reuse, no TLS).
HttpAnswer http(const Url& url, const std::string& method, const std::string& path,
                const std::vector<std::pair<std::string, std::string>>& headers,
                const std::string& body) {
  HttpAnswer answer;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found); rc != 0) {
    answer.error = url.host + ":" + url.port + ": " + gai_strerror(rc);
    return answer;
  }
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    timeval tv{10, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(found);
  if (fd < 0) {
    answer.error = "cannot connect to " + url.host + ":" + url.port;
    return answer;
  }
  std::string request = method + " " + url.base + path + " HTTP/1.1\r\nHost: " + url.host +
                        "\r\nConnection: close\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (method != "GET") {
    request += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
               "\r\n";
  }
  request += "\r\n" + body;
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) {
      answer.error = "cannot send the request";
      close(fd);
      return answer;
    }
    sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[16384];
  ssize_t n = 0;
  while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) raw.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 5, "HTTP/") != 0 || head_end == std::string::npos) {
    answer.error = "no HTTP answer";
    return answer;
  }
  size_t space = raw.find(' ');
  answer.status = std::atoi(raw.c_str() + space + 1);
  answer.body = raw.substr(head_end + 4);
  // nginx may answer HTTP/1.1 with chunks when the upstream gave no length.
  std::string head = raw.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (head.find("\r\ntransfer-encoding: chunked") != std::string::npos) answer.body = dechunk(answer.body);
  return answer;
}

std::optional<std::string> read_secret(const host::HostConfig& config, std::string& problem) {
  if (const char* env = std::getenv("BAZAAR_PAYMENT_SECRET"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  std::string file;
  if (auto plugin = config.plugin_settings.find("orders"); plugin != config.plugin_settings.end()) {
    if (auto key = plugin->second.find("payment_secret_file"); key != plugin->second.end()) {
      file = key->second;
    }
  }
  if (file.empty()) {
    problem = "no payment secret: set BAZAAR_PAYMENT_SECRET or plugin.orders.payment_secret_file";
    return std::nullopt;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  if (!in) {
    problem = "cannot read " + file;
    return std::nullopt;
  }
  std::string secret = content.str();
  while (!secret.empty() && std::isspace(static_cast<unsigned char>(secret.back()))) secret.pop_back();
  if (secret.empty()) {
    problem = file + " is empty";
    return std::nullopt;
  }
  return secret;
}

std::string random_text(size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device device;
  std::mt19937_64 random((uint64_t{device()} << 32) ^ device());
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string out;
  for (size_t i = 0; i < length; ++i) out.push_back(kAlphabet[pick(random)]);
  return out;
}

// The order's payable, read as ops (the tool mints its own token).
std::optional<int64_t> read_payable(const Url& url, const host::HostConfig& config,
                                    const std::string& order_id, int64_t now_s) {
  std::string token = host::mint_jwt(config.jwt_secret, config.jwt_issuer, "ops", 0, now_s, now_s + 3600);
  HttpAnswer got = http(url, "GET", "/api/v1/orders/" + order_id,
                        {{"Authorization", "Bearer " + token}}, "");
  if (!got.error.empty()) {
    fprintf(stderr, "bazaarctl pay: %s\n", got.error.c_str());
    return std::nullopt;
  }
  auto doc = nlohmann::json::parse(got.body, nullptr, false);
  if (got.status != 200 || !doc.is_object() || !doc.contains("payable") ||
      !doc["payable"].is_number_integer()) {
    fprintf(stderr, "bazaarctl pay: cannot read the order's payable (HTTP %d): %s\n", got.status,
            got.body.c_str());
    return std::nullopt;
  }
  return doc["payable"].get<int64_t>();
}

}  // namespace

int pay_command(const std::vector<std::string>& args, const std::string& config_path) {
  std::string config_file = config_path;
  std::string url_text, order_id, amount_text, txn, nonce, timestamp, status = "SUCCESS";
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    std::string* target = a == "--config"      ? &config_file
                          : a == "--url"       ? &url_text
                          : a == "--amount"    ? &amount_text
                          : a == "--txn"       ? &txn
                          : a == "--nonce"     ? &nonce
                          : a == "--timestamp" ? &timestamp
                          : a == "--status"    ? &status
                                               : nullptr;
    if (target != nullptr && i + 1 < args.size()) {
      *target = args[++i];
    } else if (target == nullptr && a.rfind("--", 0) != 0 && order_id.empty()) {
      order_id = a;
    } else {
      fprintf(stderr, "bazaarctl pay: unexpected argument '%s'\n%s", a.c_str(), kPayUsage);
      return 2;
    }
  }
  auto url = parse_url(url_text);
  if (!url || order_id.empty()) {
    fprintf(stderr, "bazaarctl pay: --url http://HOST:PORT and ORDER_ID are required\n%s",
            kPayUsage);
    return 2;
  }
  auto config = host::load_config(config_file, host::process_env());
  if (!config.ok()) {
    fprintf(stderr, "bazaarctl pay: %s\n", config.error().message().c_str());
    return 2;
  }
  std::string problem;
  auto secret = read_secret(*config, problem);
  if (!secret) {
    fprintf(stderr, "bazaarctl pay: %s\n", problem.c_str());
    return 2;
  }
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  int64_t amount = 0;
  if (amount_text.empty()) {
    auto payable = read_payable(*url, *config, order_id, now_s);
    if (!payable) return 1;
    amount = *payable;
  } else {
    char* end = nullptr;
    amount = std::strtoll(amount_text.c_str(), &end, 10);
    if (end == amount_text.c_str() || *end != '\0') {
      fprintf(stderr, "bazaarctl pay: --amount must be an integer\n");
      return 2;
    }
  }
  if (txn.empty()) txn = "fake-" + random_text(16);
  if (nonce.empty()) nonce = random_text(24);
  if (timestamp.empty()) timestamp = std::to_string(now_s);

  // Ids travel as decimal strings; anything else is sent as given (a test
  // may want to see the plugin refuse it).
  const std::string body = nlohmann::json{{"order_id", order_id},
                                          {"transaction_id", txn},
                                          {"amount", amount},
                                          {"status", status}}
                               .dump();
  fprintf(stderr, "bazaarctl pay: order %s amount %lld transaction_id %s nonce %s timestamp %s\n",
          order_id.c_str(), static_cast<long long>(amount), txn.c_str(), nonce.c_str(),
          timestamp.c_str());
  const std::string signature = orders::payment::sign(*secret, timestamp, nonce, body);
  HttpAnswer answer = http(*url, "POST", "/api/v1/payments/callback",
                           {{"X-Bazaar-Timestamp", timestamp},
                            {"X-Bazaar-Nonce", nonce},
                            {"X-Bazaar-Signature", signature}},
                           body);
  if (!answer.error.empty()) {
    fprintf(stderr, "bazaarctl pay: %s\n", answer.error.c_str());
    return 1;
  }
  printf("HTTP %d\n%s\n", answer.status, answer.body.c_str());
  return answer.status == 200 ? 0 : 1;
}

}  // namespace bazaar::ctl
