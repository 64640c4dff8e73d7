package io.strata.streams.config;

import io.strata.schemas.prom.PromDuration;

import io.strata.schemas.Topics;
import java.time.Duration;

/**
 * One rollup resolution: its canonical Prometheus name ({@code 1m}, {@code 5m}, {@code 1h}), which is also
 * the suffix of its output topic, and its width in milliseconds. Windows are aligned to the Unix epoch:
 * a window starts at a multiple of {@code millis} (so 1h windows start on the UTC hour).
 */
public record Resolution(String name, long millis) {
  public Resolution {
    if (millis < 1000) {
      throw new IllegalArgumentException("resolution " + name + " is " + millis + " ms, must be at least 1s");
    }
    if (!name.equals(PromDuration.format(Duration.ofMillis(millis)))) {
      throw new IllegalArgumentException("resolution name " + name + " is not the canonical form of " + millis
          + " ms (" + PromDuration.format(Duration.ofMillis(millis)) + ")");
    }
  }

  /** From a Prometheus duration; {@code 60s} becomes {@code 1m}. */
  public static Resolution parse(String key, String text) {
    Duration d = PromDuration.parse(key, text);
    if (d.toMillis() < 1000) {
      throw new IllegalArgumentException(key + ": resolution '" + text + "' must be at least 1s");
    }
    return of(d);
  }

  public static Resolution of(Duration d) {
    return new Resolution(PromDuration.format(d), d.toMillis());
  }

  /** The start of the window holding {@code timestampMs}. */
  public long windowStart(long timestampMs) {
    return timestampMs - Math.floorMod(timestampMs, millis);
  }

  /** Output topic name under a prefix, e.g. {@code metrics.rollup.1m}. */
  public String topic(String prefix) {
    return prefix + Topics.rollup(name);
  }

  @Override
  public String toString() {
    return name;
  }
}
