package io.strata.ingest.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SeriesCheck;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriteLimitsTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final long NOW = T0.toEpochMilli();
  private static final Labels UP = Labels.of("__name__", "up", "job", "node");

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final AtomicLong clockMs = new AtomicLong(NOW);
  private final Clock clock = new Clock() {
    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(clockMs.get());
    }
  };

  private WriteLimits limits(Limits defaults, Map<String, Limits> overrides) {
    return new WriteLimits(defaults, overrides, clock, registry);
  }

  private static BadRequestException refused(SeriesCheck check, Labels labels, long... ts) {
    return assertThrows(BadRequestException.class, () -> check.check(labels, ts, 0, ts.length));
  }

  private double discarded(String reason, String tenant) {
    for (MetricSnapshot m : registry.scrape()) {
      if (m.getMetadata().getName().equals("strata_ingest_discarded_samples")) {
        for (CounterSnapshot.CounterDataPointSnapshot p : ((CounterSnapshot) m).getDataPoints()) {
          if (p.getLabels().get("reason").equals(reason) && p.getLabels().get("tenant").equals(tenant)) {
            return p.getValue();
          }
        }
      }
    }
    return 0;
  }

  @Test
  void thirtyOneLabelsAreOneTooMany() {
    SeriesCheck check = limits(Limits.defaults(), Map.of()).forRequest("default");
    String[] nv = new String[62];
    nv[0] = "__name__";
    nv[1] = "m";
    for (int i = 1; i < 31; i++) {
      nv[2 * i] = "l" + i;
      nv[2 * i + 1] = "v";
    }
    check.check(Labels.of(java.util.Arrays.copyOf(nv, 60)), new long[] {NOW}, 0, 1); // 30 labels: fine
    BadRequestException e = refused(check, Labels.of(nv), NOW, NOW + 1);
    assertEquals(400, e.status());
    assertEquals("max_label_names_per_series", e.reason());
    assertTrue(e.getMessage().startsWith("received a series whose number of labels exceeds the limit (actual: 31, limit: 30)"), e.getMessage());
    assertEquals(2, discarded("max_label_names_per_series", "default"));
  }

  @Test
  void labelNameAndValueLengthsAreCountedInUtf8Bytes() {
    SeriesCheck check = limits(Limits.defaults().withLabels(30, 10, 12), Map.of()).forRequest("t1");
    check.check(Labels.of("__name__", "up", "abcdefghij", "ääääää"), new long[] {NOW}, 0, 1); // 10-byte name, 12-byte value
    BadRequestException name = refused(check, Labels.of("__name__", "up", "abcdefghijk", "v"), NOW);
    assertEquals("label_name_too_long", name.reason());
    assertTrue(name.getMessage().startsWith("received a series whose label name length exceeds the limit, label: 'abcdefghijk'"), name.getMessage());
    BadRequestException value = refused(check, Labels.of("__name__", "up", "a", "äääääää"), NOW); // 7 chars, 14 bytes
    assertEquals("label_value_too_long", value.reason());
    assertTrue(value.getMessage().contains("label value length exceeds the limit"), value.getMessage());
    BadRequestException metricName = refused(check, Labels.of("__name__", "a_metric_name_of_many_bytes"), NOW);
    assertEquals("label_value_too_long", metricName.reason());
  }

  @Test
  void aMegabyteLabelValueIsQuotedShortly() {
    SeriesCheck check = limits(Limits.defaults(), Map.of()).forRequest("default");
    BadRequestException e = refused(check, Labels.of("__name__", "up", "big", "x".repeat(1 << 20)), NOW);
    assertTrue(e.getMessage().length() < 1000, "message of " + e.getMessage().length() + " characters");
  }

  @Test
  void samplesOutsideTheWindowAreOutOfBounds() {
    WriteLimits l = limits(Limits.defaults(), Map.of());
    SeriesCheck check = l.forRequest("default");
    long oldest = NOW - Duration.ofMinutes(70).toMillis();
    long newest = NOW + Duration.ofMinutes(10).toMillis();
    check.check(UP, new long[] {oldest, NOW, newest}, 0, 3);
    for (long t : new long[] {0, 1000, -1000, NOW - Duration.ofDays(30).toMillis(), oldest - 1}) {
      BadRequestException e = refused(check, UP, NOW, t);
      assertEquals(400, e.status());
      assertEquals("sample_out_of_bounds", e.reason());
      assertTrue(e.getMessage().startsWith("out of bounds: received a sample whose timestamp is too far in the past, timestamp: " + t), e.getMessage());
      assertTrue(e.getMessage().contains("limits.past_grace_period 1h + sink.out_of_order_window 10m"), e.getMessage());
    }
    for (long t : new long[] {Long.MAX_VALUE, newest + 1}) {
      BadRequestException e = refused(check, UP, t);
      assertEquals("sample_too_far_in_future", e.reason());
      assertTrue(e.getMessage().startsWith("out of bounds: received a sample whose timestamp is too far in the future"), e.getMessage());
    }
    assertEquals(10, discarded("sample_out_of_bounds", "default"));
    // the window moves with the clock: a check made later accepts what is then recent
    clockMs.addAndGet(Duration.ofHours(2).toMillis());
    BadRequestException later = refused(l.forRequest("default"), UP, NOW);
    assertEquals("sample_out_of_bounds", later.reason());
  }

  @Test
  void theOldestAcceptedSampleFollowsTheStoresOutOfOrderWindow() {
    SeriesCheck check = limits(Limits.defaults().withOutOfOrderWindow(Duration.ofMinutes(30)), Map.of()).forRequest("default");
    check.check(UP, new long[] {NOW - Duration.ofMinutes(90).toMillis()}, 0, 1);
    refused(check, UP, NOW - Duration.ofMinutes(90).toMillis() - 1);
  }

  @Test
  void withoutTheWindowAnyTimestampPasses() {
    SeriesCheck check = limits(Limits.defaults().withoutSampleWindow(), Map.of()).forRequest("default");
    check.check(UP, new long[] {Long.MIN_VALUE, 0, Long.MAX_VALUE}, 0, 3);
  }

  @Test
  void longHelpIsRefused() {
    WriteLimits l = limits(Limits.defaults(), Map.of());
    l.checkMetadata("default", List.of(new FamilyMetadata("up", MetricType.GAUGE, "h".repeat(1024), "")));
    BadRequestException e = assertThrows(BadRequestException.class,
        () -> l.checkMetadata("default", List.of(new FamilyMetadata("up", MetricType.GAUGE, "h".repeat(1025), ""))));
    assertTrue(e.getMessage().startsWith("received a metric metadata whose help description length exceeds the limit"), e.getMessage());
  }

  @Test
  void theIngestionRateIsPerTenantWithABurstAnd429() {
    Limits limited = Limits.defaults().withIngestionRate(100, 1000);
    WriteLimits l = limits(Limits.defaults(), Map.of("small", limited));
    l.admit("small", 600);
    l.admit("small", 400);
    RateLimitedException e = assertThrows(RateLimitedException.class, () -> l.admit("small", 250));
    assertEquals(429, e.status());
    assertEquals(3, e.retryAfterSeconds()); // 250 samples at 100/s
    assertTrue(e.getMessage().startsWith("the request has been rejected because the tenant exceeded the ingestion rate limit, set to 100 samples/s"
        + " with a maximum allowed burst of 1000"), e.getMessage());
    assertEquals(250, discarded("rate_limited", "small"));
    l.admit("default", 5_000_000); // other tenants: the defaults, unlimited
    clockMs.addAndGet(2_500);
    l.admit("small", 250);
    assertThrows(RateLimitedException.class, () -> l.admit("small", 1));
    RateLimitedException tooBig = assertThrows(RateLimitedException.class, () -> l.admit("small", 5000));
    assertEquals(10, tooBig.retryAfterSeconds()); // never fits: wait for a full bucket
  }

  @Test
  void overridesReplaceTheDefaultsForTheirTenant() {
    WriteLimits l = limits(Limits.defaults(), Map.of("wide", Limits.defaults().withLabels(100, 1024, 2048)));
    assertEquals(100, l.of("wide").maxLabelNamesPerSeries());
    assertEquals(30, l.of("other").maxLabelNamesPerSeries());
  }

  @Test
  void invalidSettingsNameTheirKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Limits.defaults().withLabels(0, 1, 1));
    assertEquals("limits.max_label_names_per_series must be > 0, got 0", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Limits.defaults().withIngestionRate(-1, 10));
    assertTrue(e.getMessage().startsWith("limits.ingestion_rate must be >= 0"), e.getMessage());
  }
}
