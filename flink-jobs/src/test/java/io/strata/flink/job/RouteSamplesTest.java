package io.strata.flink.job;

import static io.strata.flink.TestSeries.T0;
import static io.strata.flink.TestSeries.batch;
import static io.strata.flink.TestSeries.series;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.strata.flink.CountingMetrics;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.RawRecord;
import io.strata.flink.model.Routed;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RouteSamplesTest {
  static final String FILE = """
      groups:
        - name: api
          rules:
            - alert: ApiDown
              expr: up{job="api"} == 0
            - record: job:http:rate5m
              expr: sum by (job) (rate(http_requests_total[5m]))
      """;
  static final String PUSHED = """
      groups:
        - name: disk
          rules:
            - alert: DiskFull
              expr: disk_free_bytes < 1e9
      """;

  private final CountingMetrics metrics = new CountingMetrics();
  private String hook;
  private BroadcastOperatorTestHarness<DecodedBatch, GroupSpec, Routed> h;

  @BeforeEach
  void open() throws Exception {
    hook = "route-" + UUID.randomUUID();
    MetricsHooks.register(hook, metrics);
    h = ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
        new RouteSamples(Groups.file("default", "rules.yml", FILE), 300_000, 60_000, hook), RouteSamples.PUSHED_GROUPS);
  }

  @AfterEach
  void close() throws Exception {
    h.close();
    MetricsHooks.unregister(hook);
  }

  private List<Routed> drain() {
    List<Routed> out = new ArrayList<>(h.extractOutputValues());
    h.getOutput().clear();
    return out;
  }

  @Test
  void aSeriesGoesOnlyToTheGroupsThatSelectIt() throws Exception {
    h.processElement(batch("default",
        series("up", "job", "api").at(T0, 0),
        series("up", "job", "db").at(T0, 1),
        series("http_requests_total", "job", "api").at(T0, 7),
        series("node_load1").at(T0, 0.5)), T0);
    List<Routed> out = drain();
    // the file's group is announced with the first batch, then the two series it reads
    assertEquals(Routed.GROUP, out.get(0).kind);
    assertEquals("default/rules.yml/api", out.get(0).groupKey);
    List<String> routed = new ArrayList<>();
    for (Routed r : out.subList(1, out.size())) {
      assertEquals(Routed.SAMPLES, r.kind);
      assertEquals("default/rules.yml/api", r.groupKey);
      routed.add(String.join(",", r.series.labels));
    }
    assertEquals(List.of("__name__,up,job,api", "__name__,http_requests_total,job,api"), routed);
    assertEquals(4, metrics.samples.get());
  }

  @Test
  void theRuleFilesGroupsAreAnnouncedWhenTheRulesStreamStartsEvenWithoutSamples() throws Exception {
    h.processBroadcastElement(GroupSpec.started(), Long.MIN_VALUE);
    List<Routed> out = drain();
    assertEquals(1, out.size());
    assertEquals(Routed.GROUP, out.get(0).kind);
    assertEquals("default/rules.yml/api", out.get(0).groupKey);
    h.processElement(batch("default", series("node_load1").at(T0, 0.5)), T0);
    assertEquals(0, drain().size(), "announced once per start");
  }

  @Test
  void anotherTenantsSeriesAreNotRoutedToTheFileGroups() throws Exception {
    h.processElement(batch("other", series("up", "job", "api").at(T0, 0)), T0);
    List<Routed> out = drain();
    assertEquals(1, out.size()); // only the announcement of the file's group
    assertEquals(Routed.GROUP, out.get(0).kind);
  }

  @Test
  void aPushedGroupTakesEffectAtOnceAndItsTombstoneStopsIt() throws Exception {
    h.processElement(batch("t1", series("disk_free_bytes", "dev", "sda").at(T0, 5e8)), T0);
    drain();
    GroupSpec disk = Groups.pushed("t1", "ns", 1, PUSHED);
    h.processBroadcastElement(disk, T0);
    List<Routed> out = drain();
    assertEquals(1, out.size());
    assertEquals(Routed.GROUP, out.get(0).kind);
    assertEquals("t1/ns/disk", out.get(0).groupKey);

    h.processElement(batch("t1", series("disk_free_bytes", "dev", "sda").at(T0 + 1000, 5e8)), T0 + 1000);
    out = drain();
    assertEquals(1, out.size());
    assertEquals(Routed.SAMPLES, out.get(0).kind);
    assertEquals("t1/ns/disk", out.get(0).groupKey);

    // a copy of the same version (another partition's replay) changes nothing
    h.processBroadcastElement(Groups.pushed("t1", "ns", 1, PUSHED), T0);
    assertEquals(0, drain().size());

    h.processBroadcastElement(Groups.deleted("t1/ns/disk", "t1", 2), T0);
    out = drain();
    assertEquals(1, out.size());
    assertEquals(Routed.DELETE, out.get(0).kind);
    h.processElement(batch("t1", series("disk_free_bytes", "dev", "sda").at(T0 + 2000, 5e8)), T0 + 2000);
    assertEquals(0, drain().size());
    assertFalse(h.getBroadcastState(RouteSamples.PUSHED_GROUPS).contains("t1/ns/disk"));
  }

  @Test
  void aPushedGroupWhoseExpressionDoesNotParseIsIgnoredAndCounted() throws Exception {
    GroupSpec bad = Groups.pushed("t1", "ns", 1, PUSHED);
    io.strata.avro.RuleGroup a = io.strata.flink.rules.RuleGroups.decode(bad.avro);
    a.getRules().get(0).setExpr("disk_free_bytes <");
    bad.avro = io.strata.flink.rules.RuleGroups.encode(a);
    h.processBroadcastElement(bad, T0);
    assertEquals(0, drain().size());
    assertEquals(1, metrics.badRules.get());
  }

  @Test
  void anUndecodableRecordGoesToTheDeadLetters() throws Exception {
    h.processElement(DecodedBatch.dead(new DeadLetter(new RawRecord(null, new byte[] {9}, "metrics.samples", 0, 3),
        "BAD_MAGIC_BYTE", "first byte is 9")), T0);
    assertEquals(1, h.getSideOutput(RouteSamples.DEAD_LETTERS).size());
    assertEquals(1, metrics.deadLetters.get("BAD_MAGIC_BYTE").get());
  }
}
