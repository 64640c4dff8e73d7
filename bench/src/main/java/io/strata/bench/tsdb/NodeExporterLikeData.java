package io.strata.bench.tsdb;

import io.strata.schemas.model.Labels;
import java.util.SplittableRandom;

/**
 * Deterministic node_exporter-like series: 40% counters with irregular increments (CPU seconds with two
 * decimals, byte counters with integer jumps), 30% gauges (half with full-precision noise, the worst
 * case for XOR; half integer-valued like memory bytes), 30% histogram buckets (cumulative counts over 10
 * le bounds). Scrape timestamps are exactly 15 s apart, as Prometheus writes them (it aligns scrape
 * timestamps that are within 2 ms of the interval, {@code --scrape.timestamp-tolerance}); with
 * {@code jitter} they carry 0-3 ms of noise instead, the case of a scraper that does not align.
 */
public final class NodeExporterLikeData {
  public static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
  public static final long STEP = 15_000;
  private static final String[] LE = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};

  private final Labels[] labels;
  private final byte[] kind;
  private final double[] value;
  private final SplittableRandom r = new SplittableRandom(42);

  private final boolean jitter;

  public NodeExporterLikeData(int series) {
    this(series, false);
  }

  public NodeExporterLikeData(int series, boolean jitter) {
    this.jitter = jitter;
    labels = new Labels[series];
    kind = new byte[series];
    value = new double[series];
    for (int i = 0; i < series; i++) {
      String instance = "node-" + (i / 100) + ":9100";
      int slot = i % 100;
      if (slot < 20) {
        kind[i] = 0;
        labels[i] = Labels.of("__name__", "node_cpu_seconds_total", "job", "node", "instance", instance, "cpu", Integer.toString(slot / 5),
            "mode", new String[] {"user", "system", "idle", "iowait", "irq"}[slot % 5]);
        value[i] = 1000 + slot * 17.31;
      } else if (slot < 40) {
        kind[i] = 1;
        labels[i] = Labels.of("__name__", "node_network_receive_bytes_total", "job", "node", "instance", instance, "device", "eth" + (slot - 20));
        value[i] = 1e9 + slot;
      } else if (slot < 55) {
        kind[i] = 2;
        labels[i] = Labels.of("__name__", "node_hwmon_temp_celsius", "job", "node", "instance", instance, "sensor", "temp" + (slot - 40));
        value[i] = 40 + slot;
      } else if (slot < 70) {
        kind[i] = 3;
        labels[i] = Labels.of("__name__", "node_memory_MemFree_bytes", "job", "node", "instance", instance, "numa", Integer.toString(slot - 55));
        value[i] = 8e9;
      } else {
        kind[i] = 4;
        int h = (slot - 70) / 10;
        labels[i] = Labels.of("__name__", "http_request_duration_seconds_bucket", "job", "node", "instance", instance, "handler", "/h" + h, "le",
            LE[(slot - 70) % 10]);
        value[i] = 0;
      }
    }
  }

  public int size() {
    return labels.length;
  }

  public Labels labels(int i) {
    return labels[i];
  }

  public long timestamp(int step) {
    return T0 + step * STEP + (jitter ? r.nextInt(4) : 0);
  }

  /** The next value of series i (call once per series per step, in series order). */
  public double next(int i) {
    double v = value[i];
    switch (kind[i]) {
      case 0 -> v = Math.round((v + r.nextInt(1500) / 100.0) * 100) / 100.0;
      case 1 -> v += r.nextInt(5) == 0 ? 0 : r.nextInt(200_000);
      case 2 -> v = 40 + (i % 7) + r.nextDouble() * 2; // full 52-bit mantissa noise
      case 3 -> v = 8e9 + 4096L * r.nextInt(100_000);
      default -> {
        // buckets of one histogram share a request stream; larger le buckets count at least as many
        int le = (i % 100 - 70) % 10;
        v += r.nextInt(3 + le * 2);
      }
    }
    value[i] = v;
    return v;
  }
}
