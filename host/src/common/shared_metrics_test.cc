#include "common/shared_metrics.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

namespace bazaar::host {
namespace {

SharedMetrics make(size_t capacity = 256) {
  auto m = SharedMetrics::create(capacity);
  EXPECT_TRUE(m.ok()) << m.error().message();
  return std::move(m).value();
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

TEST(SharedMetricsTest, CountersGaugesAndHistogramsShareOneSegment) {
  SharedMetrics m = make();
  auto requests = m.counter("bazaar_requests_total", R"(route="a")");
  auto other = m.counter("bazaar_requests_total", R"(route="b")");
  auto inflight = m.gauge("bazaar_inflight");
  auto latency = m.histogram("bazaar_latency_seconds");

  requests.add();
  requests.add(4);
  other.add(2);
  inflight.set(-3);
  latency.observe_us(700);

  EXPECT_EQ(requests.value(), 5u);
  EXPECT_EQ(other.value(), 2u);
  EXPECT_EQ(inflight.value(), -3);
  // The same name and labels give the same series.
  EXPECT_EQ(m.counter("bazaar_requests_total", R"(route="a")").value(), 5u);
  EXPECT_EQ(m.gauge("bazaar_inflight").value(), -3);
}

TEST(SharedMetricsTest, AttachedMappingSeesTheSameValues) {
  SharedMetrics m = make();
  m.counter("c_total").add(7);
  m.gauge("g").set(11);
  m.node().ready_workers.store(3);

  auto attached = SharedMetrics::attach(dup(m.fd()));
  ASSERT_TRUE(attached.ok()) << attached.error().message();
  SharedMetrics& other = *attached;
  EXPECT_EQ(other.counter("c_total").value(), 7u);
  EXPECT_EQ(other.gauge("g").value(), 11);
  EXPECT_EQ(other.node().ready_workers.load(), 3u);

  // Writes through either mapping are seen by the other, including new series.
  other.counter("c_total").add(1);
  other.counter("new_total").add(2);
  EXPECT_EQ(m.counter("c_total").value(), 8u);
  EXPECT_EQ(m.counter("new_total").value(), 2u);
  EXPECT_EQ(m.render(), other.render());
}

TEST(SharedMetricsTest, AttachRefusesSomethingElse) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  EXPECT_FALSE(SharedMetrics::attach(fds[0]).ok());
  // attach() owns the descriptor even when it fails: it is closed already.
  EXPECT_EQ(fcntl(fds[0], F_GETFD), -1);
  close(fds[1]);

  // A memfd of the right size but without the header magic.
  int fd = memfd_create("not-metrics", MFD_CLOEXEC);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(ftruncate(fd, 1 << 16), 0);
  EXPECT_FALSE(SharedMetrics::attach(fd).ok());
  EXPECT_EQ(fcntl(fd, F_GETFD), -1);
}

TEST(SharedMetricsTest, ConcurrentIncrementsFromThreadsAreExact) {
  SharedMetrics m = make();
  constexpr int kThreads = 8;
  constexpr uint64_t kPerThread = 20'000;
  constexpr uint64_t kTotal = uint64_t{kThreads} * kPerThread;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      // Each thread looks the series up itself so insertion races too.
      auto shared = m.counter("race_total", R"(kind="shared")");
      auto own = m.counter("race_total", "thread=\"" + std::to_string(t) + "\"");
      auto hist = m.histogram("race_seconds");
      for (uint64_t i = 0; i < kPerThread; ++i) {
        shared.add();
        own.add();
        hist.observe_us(i % 3 == 0 ? 100 : 2'000'000);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(m.counter("race_total", R"(kind="shared")").value(), kTotal);
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(m.counter("race_total", "thread=\"" + std::to_string(t) + "\"").value(), kPerThread);
  }
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "race_seconds_count " + std::to_string(kTotal) + "\n")) << text;
}

TEST(SharedMetricsTest, ForkedChildIncrementsAreSeenByParent) {
  SharedMetrics m = make();
  auto c = m.counter("child_total");
  c.add(1);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    // Child: a fresh mapping of the same segment, as a respawned worker would have.
    auto attached = SharedMetrics::attach(dup(m.fd()));
    if (!attached.ok()) _exit(2);
    for (int i = 0; i < 1000; ++i) attached->counter("child_total").add();
    attached->counter("child_only_total").add(5);
    c.add(10);  // through the parent's inherited mapping too
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(c.value(), 1011u);
  EXPECT_EQ(m.counter("child_only_total").value(), 5u);
}

TEST(SharedMetricsTest, RenderUsesPrometheusTextFormat) {
  SharedMetrics m = make();
  m.counter("b_requests_total", R"(route="x")").add(3);
  m.counter("b_requests_total", R"(route="w")").add(1);
  m.gauge("a_workers").set(-2);
  auto h = m.histogram("c_duration_seconds", R"(route="x")");
  h.observe_us(500);         // le 0.0005 (bounds are inclusive)
  h.observe_us(501);         // le 0.001
  h.observe_us(20'000);      // le 0.025
  h.observe_us(60'000'000);  // only +Inf

  std::string text = m.render();
  EXPECT_TRUE(contains(text, "# TYPE a_workers gauge\na_workers -2\n")) << text;
  // One TYPE line per name; series sorted by labels.
  EXPECT_TRUE(contains(text,
                       "# TYPE b_requests_total counter\n"
                       "b_requests_total{route=\"w\"} 1\n"
                       "b_requests_total{route=\"x\"} 3\n"))
      << text;
  EXPECT_TRUE(contains(text, "# TYPE c_duration_seconds histogram\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_bucket{route=\"x\",le=\"0.0005\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_bucket{route=\"x\",le=\"0.001\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_bucket{route=\"x\",le=\"0.01\"} 2\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_bucket{route=\"x\",le=\"0.025\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_bucket{route=\"x\",le=\"10\"} 3\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_bucket{route=\"x\",le=\"+Inf\"} 4\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_sum{route=\"x\"} 60.021001\n")) << text;
  EXPECT_TRUE(contains(text, "c_duration_seconds_count{route=\"x\"} 4\n")) << text;
  EXPECT_TRUE(contains(text,
                       "# TYPE bazaar_metrics_dropped_total counter\n"
                       "bazaar_metrics_dropped_total 0\n"))
      << text;
  // Names appear in sorted order.
  EXPECT_LT(text.find("a_workers"), text.find("b_requests_total"));
  EXPECT_LT(text.find("b_requests_total"), text.find("c_duration_seconds"));

  // Buckets are cumulative: every bucket count is at least the previous one.
  uint64_t previous = 0;
  size_t buckets = 0;
  for (size_t pos = text.find("c_duration_seconds_bucket"); pos != std::string::npos;
       pos = text.find("c_duration_seconds_bucket", pos + 1)) {
    size_t space = text.find(' ', pos);
    uint64_t v = std::stoull(text.substr(space + 1, text.find('\n', space) - space - 1));
    EXPECT_GE(v, previous);
    previous = v;
    ++buckets;
  }
  EXPECT_EQ(buckets, SharedMetrics::kBucketCount);
}

TEST(SharedMetricsTest, UnlabelledHistogramHasOnlyTheLeLabel) {
  SharedMetrics m = make();
  m.histogram("h_seconds").observe_us(1);
  std::string text = m.render();
  EXPECT_TRUE(contains(text, "h_seconds_bucket{le=\"0.0005\"} 1\n")) << text;
  EXPECT_TRUE(contains(text, "h_seconds_sum 0.000001\n")) << text;
  EXPECT_TRUE(contains(text, "h_seconds_count 1\n")) << text;
}

TEST(SharedMetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(SharedMetrics::label("route", "GET /a"), R"(route="GET /a")");
  EXPECT_EQ(SharedMetrics::label("k", "say \"hi\""), R"(k="say \"hi\"")");
  EXPECT_EQ(SharedMetrics::label("k", R"(a\b)"), R"(k="a\\b")");
  EXPECT_EQ(SharedMetrics::label("k", "line\nbreak"), R"(k="line\nbreak")");
  EXPECT_EQ(SharedMetrics::label("k", ""), R"(k="")");

  SharedMetrics m = make();
  m.counter("esc_total", SharedMetrics::label("v", "x\"y\n")).add();
  EXPECT_TRUE(contains(m.render(), "esc_total{v=\"x\\\"y\\n\"} 1\n")) << m.render();
}

TEST(SharedMetricsTest, FullTableDropsAndHandleIsInert) {
  SharedMetrics m = make(1);  // rounds up to the minimum table of 64 series
  std::vector<SharedMetrics::Counter> counters;
  for (int i = 0; i < 64; ++i) {
    counters.push_back(m.counter("fill_total", "i=\"" + std::to_string(i) + "\""));
    counters.back().add(1);
  }
  for (const auto& c : counters) EXPECT_EQ(c.value(), 1u);
  EXPECT_TRUE(contains(m.render(), "bazaar_metrics_dropped_total 0\n"));

  auto extra = m.counter("overflow_total");
  extra.add(5);  // must not crash or land in another series
  EXPECT_EQ(extra.value(), 0u);
  auto g = m.gauge("overflow_gauge");
  g.set(9);
  EXPECT_EQ(g.value(), 0);
  m.histogram("overflow_seconds").observe_us(10);

  std::string text = m.render();
  EXPECT_TRUE(contains(text, "bazaar_metrics_dropped_total 3\n")) << text;
  EXPECT_FALSE(contains(text, "overflow")) << text;
  for (const auto& c : counters) EXPECT_EQ(c.value(), 1u);
  // Existing series are still found in a full table.
  EXPECT_EQ(m.counter("fill_total", "i=\"63\"").value(), 1u);
}

TEST(SharedMetricsTest, OversizedNamesAreDroppedNotTruncated) {
  SharedMetrics m = make();
  auto c = m.counter(std::string(64, 'n'));
  c.add();
  EXPECT_EQ(c.value(), 0u);
  auto l = m.counter("ok_total", "k=\"" + std::string(200, 'v') + "\"");
  l.add();
  EXPECT_EQ(l.value(), 0u);
  EXPECT_TRUE(contains(m.render(), "bazaar_metrics_dropped_total 2\n"));
}

TEST(SharedMetricsTest, MovedHandleKeepsTheSegment) {
  SharedMetrics m = make();
  m.counter("moved_total").add(4);
  int fd = m.fd();
  SharedMetrics moved = std::move(m);
  EXPECT_EQ(moved.fd(), fd);
  EXPECT_EQ(moved.counter("moved_total").value(), 4u);
}

}  // namespace
}  // namespace bazaar::host
