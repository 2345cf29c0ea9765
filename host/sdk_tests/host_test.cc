// The SDK against fake host tables: the ABI 1.4 calls (plugin_name,
// service_exists) and how the SDK degrades on an older host, a constructor's
// config error refusing the plugin, and events and timers read in the layout
// of the host's ABI minor.
#include <bazaar/sdk.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <string>

// The opaque host handle, as this fake host defines it.
struct bz_host {
  std::string name;
  std::map<std::string, std::string> settings;
  int service_answer = 0;  // what service_exists says
  std::map<std::string, std::string, std::less<>> cache;
};

namespace bazaar::sdk {
namespace {

constexpr uint32_t kAbi13 = (1u << 16) | 3u;

int fake_config_get(bz_host* host, const char* key, bz_str* out) {
  auto it = host->settings.find(key);
  if (it == host->settings.end()) return 0;
  *out = to_bz(it->second);
  return 1;
}
bz_str fake_plugin_name(bz_host* host) { return to_bz(host->name); }
int fake_service_exists(bz_host* host, const char*) { return host->service_answer; }

int64_t fake_now_ms(bz_host*) { return 1'000'000; }
int64_t fake_cache_get(bz_host* host, bz_str key, char* buf, size_t cap) {
  auto it = host->cache.find(view(key));
  if (it == host->cache.end()) return -1;
  it->second.copy(buf, std::min(cap, it->second.size()));
  return static_cast<int64_t>(it->second.size());
}
bz_status fake_cache_set(bz_host* host, bz_str key, bz_str value, uint32_t) {
  host->cache[std::string(view(key))] = std::string(view(value));
  return BZ_OK;
}
bz_status fake_cache_add(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s) {
  if (host->cache.contains(view(key))) return BZ_CONFLICT;
  return fake_cache_set(host, key, value, ttl_s);
}
bz_status fake_cache_delete(bz_host* host, bz_str key) {
  if (auto it = host->cache.find(view(key)); it != host->cache.end()) host->cache.erase(it);
  return BZ_OK;
}

// A host table of ABI 1.4, or of 1.3 (without plugin_name and service_exists).
bz_host_api fake_api(bool v1_4) {
  bz_host_api api{};
  api.abi_version = v1_4 ? BZ_ABI_VERSION : kAbi13;
  api.struct_size = v1_4 ? sizeof(bz_host_api) : BZ_HOST_API_V1_3_SIZE;
  api.config_get = &fake_config_get;
  api.now_ms = &fake_now_ms;
  api.cache_get = &fake_cache_get;
  api.cache_set = &fake_cache_set;
  api.cache_add = &fake_cache_add;
  api.cache_delete = &fake_cache_delete;
  if (v1_4) {
    api.plugin_name = &fake_plugin_name;
    api.service_exists = &fake_service_exists;
  }
  return api;
}

TEST(SdkHostTest, ConfigErrorsNameThePluginTheHostLoaded) {
  bz_host host{"orders", {{"payment_timeout_s", "abc"}}, 0, {}};
  bz_host_api api = fake_api(true);
  Host h(&api, &host);
  EXPECT_EQ(h.plugin_name(), "orders");
  auto timeout = h.config_int("payment_timeout_s", 900, 1, 604800);
  ASSERT_FALSE(timeout.ok());
  EXPECT_EQ(timeout.error().message(),
            "plugin.orders.payment_timeout_s must be an integer from 1 to 604800, not \"abc\"");
  EXPECT_EQ(*h.config_bool("absent", true), true);
}

TEST(SdkHostTest, OnAHostBefore14TheNameIsUnknownAndEveryServiceMayExist) {
  bz_host host{"orders", {{"n", "x"}}, 0, {}};
  bz_host_api api = fake_api(false);
  Host h(&api, &host);
  EXPECT_EQ(h.plugin_name(), "");
  EXPECT_EQ(h.config_int("n", 0, 0, 1).error().message(),
            "plugin.<plugin>.n must be an integer from 0 to 1, not \"x\"");
  EXPECT_TRUE(h.has_service("coupons.lock"));  // the call itself will tell
}

TEST(SdkHostTest, HasServiceIsFalseOnlyWhenTheHostKnowsThereIsNone) {
  bz_host host{"orders", {}, 0, {}};
  bz_host_api api = fake_api(true);
  Host h(&api, &host);
  host.service_answer = 1;
  EXPECT_TRUE(h.has_service("coupons.lock"));
  host.service_answer = 0;
  EXPECT_FALSE(h.has_service("coupons.lock"));
  host.service_answer = -1;  // during init: the registry is not filled yet
  EXPECT_TRUE(h.has_service("coupons.lock"));
}

// Host::get_or_load runs the shared cache_aside() (cache_aside_test.cc) with
// the wait capped by the request's deadline, and a near first look that falls
// back to cache_get on a host without cache_get_near (1.3 has it; 1.2 not).
TEST(SdkHostTest, GetOrLoadNeverWaitsPastTheRequestsDeadline) {
  bz_host host{"fx", {}, 0, {{"lease:k", "1"}}};  // someone else is loading
  bz_host_api api = fake_api(true);
  api.struct_size = offsetof(bz_host_api, signal_publish) + sizeof(void*);  // ABI 1.2
  Host h(&api, &host);
  bz_request req{};
  req.deadline_ms = fake_now_ms(nullptr) - 1;
  CacheOptions options;
  options.max_wait_ms = 10'000;
  options.near_max_age_ms = 1000;
  auto start = std::chrono::steady_clock::now();
  auto r = h.get_or_load("k", options, &req, [] { return Result<std::optional<std::string>>("db"); });
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "db");
  EXPECT_FALSE(host.cache.contains("k"));  // the lease holder fills it

  host.cache.erase("lease:k");
  EXPECT_EQ(*h.get_or_load("k", options, &req, [] { return Result<std::optional<std::string>>("db2"); }),
            "db2");
  EXPECT_EQ(host.cache.at("k"), "vdb2");
  EXPECT_FALSE(host.cache.contains("lease:k"));
}

class Configured {
 public:
  explicit Configured(Host host) : timeout_s_(or_throw(host.config_int("timeout_s", 30, 1, 60))) {}
  int64_t timeout_s() const { return timeout_s_; }

 private:
  int64_t timeout_s_;
};

TEST(SdkInitTest, ABadSettingRefusesThePluginWithTheMessage) {
  bz_host host{"fx", {{"timeout_s", "90"}}, 0, {}};
  bz_host_api api = fake_api(true);
  void* ctx = nullptr;
  char err[256] = {0};
  EXPECT_EQ(detail::init<Configured>(&api, &host, &ctx, err, sizeof(err)), BZ_INTERNAL);
  EXPECT_EQ(ctx, nullptr);
  EXPECT_STREQ(err, "plugin.fx.timeout_s must be an integer from 1 to 60, not \"90\"");

  host.settings["timeout_s"] = "45";
  ASSERT_EQ(detail::init<Configured>(&api, &host, &ctx, err, sizeof(err)), BZ_OK);
  EXPECT_EQ(static_cast<detail::Holder<Configured>*>(ctx)->plugin.timeout_s(), 45);
  detail::shutdown<Configured>(ctx);
}

// Records what its handlers saw.
class Recorder {
 public:
  explicit Recorder(Host) {}
  Status on_event(const Event& ev, EventContext&) {
    event = ev;
    topic = std::string(ev.topic);
    payload = std::string(ev.payload);
    return ok_status();
  }
  Status on_timer(const Timer& t) {
    timer = std::string(t.kind()) + "|" + std::string(t.key()) + "|" + std::string(t.payload()) + "|" +
            std::to_string(t.due_ms()) + "|" + std::to_string(t.shard()) + "|" + std::to_string(t.attempt());
    return ok_status();
  }
  Event event;
  std::string topic;
  std::string payload;
  std::string timer;
};

class SdkLayoutTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    api_ = fake_api(GetParam());
    ASSERT_EQ(detail::init<Recorder>(&api_, &host_, &ctx_, err_, sizeof(err_)), BZ_OK);
  }
  void TearDown() override { detail::shutdown<Recorder>(ctx_); }
  Recorder& recorder() { return static_cast<detail::Holder<Recorder>*>(ctx_)->plugin; }

  bz_host host_{"fx", {}, 0, {}};
  bz_host_api api_{};
  void* ctx_ = nullptr;
  char err_[256] = {0};
};

// A 1.4 host hands bz_event / bz_timer; a 1.3 host the layouts of plugin_v1_3.h.
TEST_P(SdkLayoutTest, EventsAndTimersAreReadInTheHostsLayout) {
  const bool v1_4 = GetParam();
  const std::string topic = "order.paid.";
  const std::string payload = R"({"id":"7"})";
  bz_event now{BZ_ABI_VERSION, sizeof(bz_event), to_bz(topic), to_bz(payload), 77, 3, 12, 1234};
  bz_event_v1_3 old{to_bz(topic), to_bz(payload), 77, 3, 12, 1234};
  const bz_event* ev = v1_4 ? &now : reinterpret_cast<const bz_event*>(&old);
  ASSERT_EQ(detail::event_trampoline<&Recorder::on_event>(ctx_, ev, nullptr, err_, sizeof(err_)), BZ_OK);
  EXPECT_EQ(recorder().topic, topic);
  EXPECT_EQ(recorder().payload, payload);
  EXPECT_EQ(recorder().event.id, 77);
  EXPECT_EQ(recorder().event.origin_shard, 3u);
  EXPECT_EQ(recorder().event.sequence, 12u);
  EXPECT_EQ(recorder().event.created_ms, 1234);

  const std::string kind = "ping";
  const std::string key = "k-1";
  bz_timer t_now{BZ_ABI_VERSION, sizeof(bz_timer), to_bz(kind), to_bz(key), to_bz(payload), 99, 5, 2};
  bz_timer_v1_3 t_old{to_bz(kind), to_bz(key), to_bz(payload), 99, 5, 2};
  const bz_timer* timer = v1_4 ? &t_now : reinterpret_cast<const bz_timer*>(&t_old);
  ASSERT_EQ(detail::timer_trampoline<&Recorder::on_timer>(ctx_, timer, err_, sizeof(err_)), BZ_OK);
  EXPECT_EQ(recorder().timer, R"(ping|k-1|{"id":"7"}|99|5|2)");
}

std::string layout_name(const ::testing::TestParamInfo<bool>& param) {
  return param.param ? "v1_4" : "v1_3";
}
INSTANTIATE_TEST_SUITE_P(HostAbi, SdkLayoutTest, ::testing::Values(true, false), layout_name);

}  // namespace
}  // namespace bazaar::sdk
