// The loader against deliberately broken plugins, at start and at reload.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

std::string reason_for(const json& refused, const std::string& file_part) {
  for (const auto& r : refused) {
    if (r["file"].get<std::string>().find(file_part) != std::string::npos) return r["reason"];
  }
  return "";
}

TEST(LoaderTest, RefusesEachBrokenPluginWithItsReasonAndServesTheGoodOnes) {
  auto stack = Stack::start({{"fx_v1", "fx_no_entry", "fx_wrong_abi", "fx_small_struct",
                              "fx_init_fails", "fx_zz_duplicate"}});
  ASSERT_NE(stack, nullptr);
  EXPECT_EQ(stack->get("/api/v1/fx/version").status, 200);

  HttpResult r = stack->get("/api/v1/admin/plugins",
                            {{"Authorization", "Bearer " + stack->token("ops", 1)}});
  ASSERT_EQ(r.status, 200) << r.body;
  json doc = json::parse(r.body);
  ASSERT_EQ(doc["plugins"].size(), 1u);
  EXPECT_EQ(doc["plugins"][0]["name"], "fx");
  const json& refused = doc["refused"];
  EXPECT_EQ(refused.size(), 5u) << refused.dump();
  EXPECT_NE(reason_for(refused, "fx_no_entry").find("missing entry symbol"), std::string::npos);
  EXPECT_NE(reason_for(refused, "fx_wrong_abi").find("ABI major 2"), std::string::npos);
  EXPECT_NE(reason_for(refused, "fx_small_struct").find("struct is 16 bytes"), std::string::npos);
  EXPECT_NE(reason_for(refused, "fx_init_fails").find("database unreachable"), std::string::npos);
  EXPECT_NE(reason_for(refused, "fx_zz_duplicate").find("duplicate plugin name 'fx'"),
            std::string::npos);
  // The broken plugins' routes do not exist.
  EXPECT_EQ(stack->get("/api/v1/broken/init_fails").status, 404);
  // Each refusal is logged with the file and the reason.
  std::string log = stack->read_log();
  EXPECT_NE(log.find("\"msg\":\"plugin refused\""), std::string::npos);
  EXPECT_NE(log.find("fx_wrong_abi.so"), std::string::npos);
}

TEST(LoaderTest, ReloadWithABrokenPluginIsRefusedAndTheRunningSetKeepsServing) {
  auto stack = Stack::start({{"fx_v1"}});
  ASSERT_NE(stack, nullptr);
  long long before = stack->generation();
  ASSERT_GT(before, 0);

  stack->install_plugin("fx_init_fails");
  std::string out;
  EXPECT_NE(stack->ctl("reload", &out), 0);
  EXPECT_NE(out.find("database unreachable"), std::string::npos) << out;
  EXPECT_EQ(stack->generation(), before);
  HttpResult r = stack->get("/api/v1/fx/version");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("1.0.0"), std::string::npos);
  // The refused set's new copy and manifests are not kept; the running ones are.
  std::vector<std::string> staged = stack->state_files("plugins");
  ASSERT_EQ(staged.size(), 1u) << ::testing::PrintToString(staged);
  EXPECT_TRUE(staged[0].ends_with("-fx_v1.so")) << staged[0];
  EXPECT_EQ(stack->state_files("generations"),
            std::vector<std::string>{std::to_string(before) + ".json"});

  // Once the bad file is gone, the same command rolls a new generation.
  stack->remove_plugin("fx_init_fails");
  EXPECT_EQ(stack->ctl("reload", &out), 0) << out;
  EXPECT_EQ(stack->generation(), before + 2);  // the refused attempt used one id
}

}  // namespace
}  // namespace bazaar::testing
