package io.strata.sinks.alertmanager;

import static io.strata.sinks.alertmanager.Alerts.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Queue, batching and retries of one target, on a fake clock. */
class EndpointTest {
  private static final URI URL = URI.create("http://am-1:9093/api/v2/alerts");
  private final Alerts.FakeClock clock = new Alerts.FakeClock(T0);
  private final List<Duration> sleeps = new ArrayList<>();
  private final Endpoint.Sleeper sleeper = d -> {
    sleeps.add(d);
    clock.advance(d);
  };
  private final Deque<Object> answers = new ArrayDeque<>(); // Integer status or IOException
  private final List<byte[]> posted = new ArrayList<>();
  private final Transport transport = (url, json, timeout) -> {
    posted.add(json);
    clock.advance(Duration.ofMillis(100));
    Object a = answers.isEmpty() ? 200 : answers.poll();
    if (a instanceof IOException e) {
      throw e;
    }
    return (Integer) a;
  };
  private final PrometheusRegistry registry = new PrometheusRegistry();

  private Endpoint endpoint(int capacity, DeliveryConfig.Backoff backoff) {
    DeliveryConfig cfg = DeliveryConfig.NONE;
    NotifierMetrics m = new NotifierMetrics(registry, List::of, () -> cfg);
    return new Endpoint(new DeliveryConfig.Target(DeliveryConfig.Target.Kind.ALERTMANAGER, URL, DeliveryConfig.Http.DEFAULT), capacity,
        backoff, transport, clock, sleeper, m);
  }

  private static List<PostableAlert> alerts(int from, int n) {
    List<PostableAlert> out = new ArrayList<>();
    for (int i = from; i < from + n; i++) {
      TreeMap<String, String> labels = new TreeMap<>();
      labels.put("alertname", "A");
      labels.put("i", Integer.toString(i));
      out.add(new PostableAlert(labels, new TreeMap<>(), T0, T0.plusSeconds(240), ""));
    }
    return out;
  }

  private double counter(String name) {
    for (MetricSnapshot s : registry.scrape()) {
      if (s.getMetadata().getName().equals(name) && s instanceof CounterSnapshot c) {
        return c.getDataPoints().stream().filter(d -> d.getLabels().get("alertmanager").equals(URL.toString()))
            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue).sum();
      }
    }
    throw new AssertionError("no metric " + name);
  }

  @Test
  void batchesHoldAtMost64Alerts() throws Exception {
    Endpoint e = endpoint(10_000, DeliveryConfig.Backoff.DEFAULT);
    e.offer(alerts(0, 150));
    List<Integer> sizes = new ArrayList<>();
    for (List<PostableAlert> b = e.nextBatch(); !b.isEmpty(); b = e.nextBatch()) {
      sizes.add(b.size());
      assertTrue(e.send(b));
    }
    assertEquals(List.of(64, 64, 22), sizes);
    assertEquals(150, counter("strata_notifications_sent"));
    assertEquals(0, counter("strata_notifications_errors"));
  }

  @Test
  void fullQueueDropsTheOldestAndCountsThem() {
    Endpoint e = endpoint(100, DeliveryConfig.Backoff.DEFAULT);
    e.offer(alerts(0, 80));
    e.offer(alerts(80, 50));
    assertEquals(100, e.queueLength());
    assertEquals(30, counter("strata_notifications_dropped"));
    assertEquals("30", e.nextBatch().get(0).labels().get("i"), "the 30 oldest went");
    e.offer(alerts(1000, 250)); // larger than the queue on its own: only its newest 100 stay
    assertEquals(100, e.queueLength());
    assertEquals(30 + 36 + 150, counter("strata_notifications_dropped"));
    assertEquals("1150", e.nextBatch().get(0).labels().get("i"));
  }

  @Test
  void failedRequestIsRetriedWithDoublingBackoffUntilItIsTaken() throws Exception {
    Endpoint e = endpoint(10_000, new DeliveryConfig.Backoff(Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMinutes(1)));
    answers.add(new ConnectException("Connection refused"));
    answers.add(503);
    answers.add(500);
    answers.add(429);
    answers.add(200);
    e.offer(alerts(0, 3));
    assertTrue(e.send(e.nextBatch()));
    assertEquals(List.of(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(2)), sleeps);
    assertEquals(5, posted.size());
    assertEquals(4, counter("strata_notifications_errors"));
    assertEquals(15, counter("strata_notifications_sent"), "as Prometheus 2.42: the alerts of every request made");
    assertEquals(0, counter("strata_notifications_dropped"));
  }

  @Test
  void batchIsDroppedOnceRetryingWouldPassGiveUpAfter() throws Exception {
    Endpoint e = endpoint(10_000, new DeliveryConfig.Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(20)));
    for (int i = 0; i < 100; i++) {
      answers.add(503);
    }
    e.offer(alerts(0, 5));
    assertFalse(e.send(e.nextBatch()));
    // tries at 0, 1.1, 3.2, 7.3, 15.4 s (each request takes 0.1 s); the next wait (10 s) would end past 20 s
    assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8)), sleeps);
    assertEquals(5, counter("strata_notifications_dropped"));
    assertEquals(5, counter("strata_notifications_errors"));
  }

  @Test
  void badRequestIsNotRetried() throws Exception {
    Endpoint e = endpoint(10_000, DeliveryConfig.Backoff.DEFAULT);
    answers.add(400);
    e.offer(alerts(0, 2));
    assertFalse(e.send(e.nextBatch()));
    assertEquals(1, posted.size());
    assertTrue(sleeps.isEmpty());
    assertEquals(2, counter("strata_notifications_dropped"));
  }

  @Test
  void queueLengthIsReportedPerTarget() {
    Endpoint e = endpoint(10_000, DeliveryConfig.Backoff.DEFAULT);
    e.offer(alerts(0, 7));
    PrometheusRegistry r = new PrometheusRegistry();
    new NotifierMetrics(r, () -> List.of(e), () -> DeliveryConfig.NONE);
    for (MetricSnapshot s : r.scrape()) {
      if (s.getMetadata().getName().equals("strata_notifications_queue_length")) {
        GaugeSnapshot g = (GaugeSnapshot) s;
        assertEquals(7, g.getDataPoints().get(0).getValue());
        assertEquals(URL.toString(), g.getDataPoints().get(0).getLabels().get("alertmanager"));
        return;
      }
    }
    throw new AssertionError("no queue_length metric");
  }
}
