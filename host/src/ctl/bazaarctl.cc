// bazaarctl: the operator's tool. Talks to a running master over its control
// socket (status, reload, clock-offset) or works offline (token).
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <bazaar/rules/cli.h>

#include <iostream>

#include "auth/jwt.h"
#include "common/config.h"
#include "common/unix_socket.h"
#include "ctl/pay_command.h"

namespace {

constexpr const char* kUsage =
    "usage: bazaarctl [--config FILE] COMMAND\n"
    "  status                         state of the master, workers and plugins (JSON)\n"
    "  reload                         roll workers onto the current config and plugin folder;\n"
    "                                 exits 0 when the new generation serves, 1 if refused\n"
    "  token --role R --sub ID [--ttl SECONDS]\n"
    "                                 mint a development JWT (role: user, merchant, ops)\n"
    "  clock-offset MS                move the node's test clock (needs test_clock = on)\n"
    "  rules check FILE [--facts-schema NAME]\n"
    "                                 validate a rule file; errors as FILE:line:col: message\n"
    "  rules eval FILE --facts FACTS.json\n"
    "                                 dry-run a rule file: decision and trace\n"
    "  rules schemas                  list the built-in fact schemas\n"
    "  pay [--config FILE] --url http://HOST:PORT ORDER_ID [--amount N] [--txn ID]\n"
    "      [--nonce N] [--timestamp S] [--status S]\n"
    "                                 fake payment provider: sign and POST a payment callback\n"
    "                                 (secret: $BAZAAR_PAYMENT_SECRET or\n"
    "                                 plugin.orders.payment_secret_file); without --amount reads\n"
    "                                 the order's payable with an ops token. Defaults: txn\n"
    "                                 fake-<random>, random nonce, now, SUCCESS. Exits 0 on 200\n"
    "The config file defaults to $BAZAAR_CONFIG, then conf/bazaar.conf.\n";

int control(const bazaar::host::HostConfig& config, const std::string& command, int timeout_ms) {
  auto fd = bazaar::host::connect_unix(config.control_socket, timeout_ms);
  if (!fd.ok()) {
    fprintf(stderr, "bazaarctl: %s (is bazaar-host running?)\n", fd.error().message().c_str());
    return 1;
  }
  std::string line = command + "\n";
  if (write(*fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    fprintf(stderr, "bazaarctl: cannot send the command\n");
    close(*fd);
    return 1;
  }
  std::string reply;
  char buf[4096];
  ssize_t n = 0;
  while ((n = read(*fd, buf, sizeof(buf))) > 0) reply.append(buf, static_cast<size_t>(n));
  close(*fd);
  if (reply.empty()) {
    fprintf(stderr, "bazaarctl: no answer from the master\n");
    return 1;
  }
  fputs(reply.c_str(), stdout);
  return reply.find("\"ok\":true") != std::string::npos ? 0 : 1;
}

std::string flag(const std::vector<std::string>& args, const std::string& name, std::string def) {
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == name) return args[i + 1];
  }
  return def;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_path = getenv("BAZAAR_CONFIG") ? getenv("BAZAAR_CONFIG") : "conf/bazaar.conf";
  if (args.size() >= 2 && args[0] == "--config") {
    config_path = args[1];
    args.erase(args.begin(), args.begin() + 2);
  }
  if (args.empty() || args[0] == "--help" || args[0] == "help") {
    fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? 2 : 0;
  }
  if (args[0] == "rules") {  // offline: needs no configuration and no running host
    return bazaar::rules::cli_main({args.begin() + 1, args.end()}, std::cout, std::cerr);
  }
  if (args[0] == "pay") return bazaar::ctl::pay_command({args.begin() + 1, args.end()}, config_path);
  auto config = bazaar::host::load_config(config_path, bazaar::host::process_env());
  if (!config.ok()) {
    fprintf(stderr, "bazaarctl: %s\n", config.error().message().c_str());
    return 2;
  }
  const std::string& cmd = args[0];
  if (cmd == "status") return control(*config, "status", 2000);
  if (cmd == "reload") {
    int wait = static_cast<int>(config->ready_timeout_ms * 2 + 30'000);
    return control(*config, "reload", wait);
  }
  if (cmd == "clock-offset" && args.size() == 2) return control(*config, "clock-offset " + args[1], 2000);
  if (cmd == "token") {
    std::string role = flag(args, "--role", "");
    long long sub = std::atoll(flag(args, "--sub", "0").c_str());
    long long ttl = std::atoll(flag(args, "--ttl", "3600").c_str());
    if (bazaar::host::role_from_name(role) == 0 || ttl <= 0 ||
        (role != "ops" && sub <= 0)) {
      fprintf(stderr, "bazaarctl token: --role user|merchant|ops and --sub ID (> 0) are required\n");
      return 2;
    }
    auto now = std::chrono::duration_cast<std::chrono::seconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
    printf("%s\n", bazaar::host::mint_jwt(config->jwt_secret, config->jwt_issuer, role, sub, now,
                                          now + ttl)
                       .c_str());
    return 0;
  }
  fprintf(stderr, "bazaarctl: unknown command '%s'\n%s", cmd.c_str(), kUsage);
  return 2;
}
