package io.strata.ingest.limits;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.kafka.SeriesCheck;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies each tenant's {@link Limits} to the pushes of that tenant, before anything of the request is sent
 * to Kafka: label counts and lengths, metadata lengths and the accepted sample window per series
 * ({@link #forRequest}, a {@link SeriesCheck} for the request's batch), and the ingestion rate per request
 * ({@link #admit}). Refused samples are counted in {@code strata_ingest_discarded_samples_total{reason,tenant}}.
 * Thread-safe.
 */
public final class WriteLimits {
  private final Limits defaults;
  private final Map<String, Limits> overrides;
  private final Clock clock;
  private final Map<String, TokenBucket> buckets = new ConcurrentHashMap<>();
  private final Counter discarded;

  public WriteLimits(Limits defaults, Map<String, Limits> overrides, Clock clock, PrometheusRegistry metrics) {
    this.defaults = defaults;
    this.overrides = Map.copyOf(overrides);
    this.clock = clock;
    this.discarded = Counter.builder().name("strata_ingest_discarded_samples_total")
        .help("Samples of pushes refused by a limit or the accepted sample window, by reason and tenant").labelNames("reason", "tenant")
        .register(metrics);
  }

  /** The limits of {@code tenant}: its override, else the defaults. */
  public Limits of(String tenant) {
    return overrides.getOrDefault(tenant, defaults);
  }

  /** The check of every series of one request of {@code tenant}, with the sample window as of now. */
  public SeriesCheck forRequest(String tenant) {
    Limits l = of(tenant);
    long now = clock.millis();
    Duration age = l.maxSampleAge();
    long minT = age == null ? Long.MIN_VALUE : now - age.toMillis();
    long maxT = l.creationGracePeriod().isZero() ? Long.MAX_VALUE : now + l.creationGracePeriod().toMillis();
    return new SeriesCheck() {
      @Override
      public void checkLabels(Labels labels, int samples) {
        WriteLimits.this.checkLabels(tenant, l, labels, samples);
      }

      @Override
      public void checkSamples(Labels labels, long[] ts, int from, int n) {
        WriteLimits.this.checkSamples(tenant, l, minT, maxT, labels, ts, from, n);
      }

      @Override
      public Object labelRules() {
        return l;
      }
    };
  }

  private void checkLabels(String tenant, Limits l, Labels labels, int n) {
    int size = labels.size();
    if (size > l.maxLabelNamesPerSeries()) {
      throw refuse(tenant, "max_label_names_per_series", n, "received a series whose number of labels exceeds the limit (actual: " + size
          + ", limit: " + l.maxLabelNamesPerSeries() + ") series: '" + abbreviate(labels.toString()) + "' (limits.max_label_names_per_series)");
    }
    for (int i = 0; i < size; i++) {
      String name = labels.name(i);
      if (longerThan(name, l.maxLabelNameLength())) {
        throw refuse(tenant, "label_name_too_long", n, "received a series whose label name length exceeds the limit, label: '"
            + abbreviate(name) + "' series: '" + abbreviate(labels.toString()) + "' (limits.max_label_name_length: " + l.maxLabelNameLength()
            + " bytes)");
      }
      String value = labels.value(i);
      if (longerThan(value, l.maxLabelValueLength())) {
        throw refuse(tenant, "label_value_too_long", n, "received a series whose label value length exceeds the limit, value: '"
            + abbreviate(value) + "' (truncated) series: '" + abbreviate(labels.toString()) + "' (limits.max_label_value_length: "
            + l.maxLabelValueLength() + " bytes)");
      }
    }
  }

  private void checkSamples(String tenant, Limits l, long minT, long maxT, Labels labels, long[] ts, int from, int n) {
    for (int i = from; i < from + n; i++) {
      long t = ts[i];
      if (t < minT) {
        throw refuse(tenant, "sample_out_of_bounds", n, "out of bounds: received a sample whose timestamp is too far in the past, timestamp: "
            + t + " (" + instant(t) + ") series: '" + abbreviate(labels.toString()) + "' (accepted from now - " + window(l.maxSampleAge())
            + ": limits.past_grace_period " + window(l.pastGracePeriod()) + " + sink.out_of_order_window " + window(l.outOfOrderWindow()) + ")");
      }
      if (t > maxT) {
        throw refuse(tenant, "sample_too_far_in_future", n, "out of bounds: received a sample whose timestamp is too far in the future, timestamp: "
            + t + " (" + instant(t) + ") series: '" + abbreviate(labels.toString()) + "' (accepted up to now + "
            + window(l.creationGracePeriod()) + ": limits.creation_grace_period)");
      }
    }
  }

  /** Refuses the request when a HELP or UNIT of its metadata is longer than {@code limits.max_metadata_length}. */
  public void checkMetadata(String tenant, List<FamilyMetadata> families) {
    int max = of(tenant).maxMetadataLength();
    for (FamilyMetadata f : families) {
      if (longerThan(f.help(), max)) {
        throw refuse(tenant, "help_too_long", 0, "received a metric metadata whose help description length exceeds the limit, help: '"
            + abbreviate(f.help()) + "' metric: '" + abbreviate(f.name()) + "' (limits.max_metadata_length: " + max + " bytes)");
      }
      if (longerThan(f.unit(), max)) {
        throw refuse(tenant, "unit_too_long", 0, "received a metric metadata whose unit name length exceeds the limit, unit: '"
            + abbreviate(f.unit()) + "' metric: '" + abbreviate(f.name()) + "' (limits.max_metadata_length: " + max + " bytes)");
      }
    }
  }

  /**
   * Takes {@code samples} from the tenant's ingestion rate budget, or refuses the request with 429 and the
   * seconds after which that many samples fit (a request larger than the burst never fits).
   */
  public void admit(String tenant, long samples) {
    Limits l = of(tenant);
    if (l.ingestionRate() == 0 || samples == 0) {
      return;
    }
    TokenBucket b = buckets.computeIfAbsent(tenant, t -> new TokenBucket(l.ingestionRate(), l.ingestionBurstSize(), clock.millis()));
    long waitMs = b.take(samples, clock.millis());
    if (waitMs > 0) {
      discarded.labelValues("rate_limited", tenant).inc(samples);
      String rate = l.ingestionRate() == Math.rint(l.ingestionRate()) ? Long.toString((long) l.ingestionRate()) : Double.toString(l.ingestionRate());
      throw new RateLimitedException("the request has been rejected because the tenant exceeded the ingestion rate limit, set to " + rate
          + " samples/s with a maximum allowed burst of " + l.ingestionBurstSize() + " (request: " + samples
          + " samples; limits.ingestion_rate, limits.ingestion_burst_size)", Math.max(1, (waitMs + 999) / 1000));
    }
  }

  private BadRequestException refuse(String tenant, String reason, long samples, String message) {
    if (samples > 0) {
      discarded.labelValues(reason, tenant).inc(samples);
    }
    return new BadRequestException(reason, message);
  }

  /** True when the UTF-8 encoding of {@code s} is longer than {@code max} bytes (counted only when it could be). */
  static boolean longerThan(String s, int max) {
    int chars = s.length();
    if (chars > max) {
      return true; // every char is at least one byte
    }
    if ((long) chars * 3 <= max) {
      return false; // at most 3 bytes per char (a surrogate pair is 4 bytes for 2 chars)
    }
    return s.getBytes(StandardCharsets.UTF_8).length > max;
  }

  /** The first 200 characters, as Mimir quotes series in its messages. */
  static String abbreviate(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "...";
  }

  private static String instant(long t) {
    try {
      return Instant.ofEpochMilli(t).toString();
    } catch (java.time.DateTimeException e) {
      return "beyond the representable instants";
    }
  }

  private static String window(Duration d) {
    return io.strata.schemas.prom.PromDuration.format(d);
  }

  /** A tenant's ingestion budget: {@code rate} samples per second, at most {@code burst} saved up. */
  static final class TokenBucket {
    private final double ratePerMs;
    private final double burst;
    private double tokens;
    private long lastMs;

    TokenBucket(double ratePerSecond, int burst, long nowMs) {
      this.ratePerMs = ratePerSecond / 1000.0;
      this.burst = burst;
      this.tokens = burst;
      this.lastMs = nowMs;
    }

    /** Takes {@code n} tokens and returns 0, or takes nothing and returns the milliseconds until {@code n} would be there. */
    synchronized long take(long n, long nowMs) {
      if (nowMs > lastMs) {
        tokens = Math.min(burst, tokens + (nowMs - lastMs) * ratePerMs);
        lastMs = nowMs;
      }
      if (n <= tokens) {
        tokens -= n;
        return 0;
      }
      double missing = Math.min(n, burst) - tokens; // beyond the burst it never fits: wait for a full bucket
      return Math.max(1, (long) Math.ceil(missing / ratePerMs));
    }
  }
}
