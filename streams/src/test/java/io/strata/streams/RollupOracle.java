package io.strata.streams;

import io.strata.avro.RollupWindow;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import io.strata.streams.config.Resolution;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the rollups must hold, computed the slow and obvious way: the TSDB's acceptance rule applied to the
 * arrival sequence with the series' whole history, and every window aggregated directly from its accepted
 * samples (coarser windows too, never composed). Written independently of the main code.
 */
public final class RollupOracle {
  /** The stage's drop reasons (the TSDB's, except that a re-sent sample of an emitted window is too_old). */
  public enum Reason { too_old, duplicate, conflicting_value }

  /** One series: tenant and labels. */
  public record SeriesId(String tenant, Labels labels) {}

  /** One expected window. */
  public record Window(SeriesId series, String resolution, long start) {}

  /** Expected aggregates of a window, from its samples in timestamp order (stale markers excluded). */
  public record Aggregate(long count, double sum, double min, double max, long firstMs, double first, long lastMs,
      double last, double correction, long resets, long changes) {}

  private final List<Resolution> resolutions;
  private final long windowMs;
  private final Map<SeriesId, TreeMap<Long, Long>> stored = new HashMap<>();
  private final Map<SeriesId, Long> maxT = new HashMap<>();
  public long accepted;
  public long stale;
  public final Map<Reason, Long> dropped = new HashMap<>();

  public RollupOracle(List<Resolution> resolutions, long outOfOrderWindowMs) {
    this.resolutions = resolutions;
    this.windowMs = outOfOrderWindowMs;
    for (Reason r : Reason.values()) {
      dropped.put(r, 0L);
    }
  }

  /** Applies the TSDB's rule to every sample of the batch, in order. */
  public void offer(SampleBatch batch) {
    for (Series s : batch.getSeries()) {
      SeriesId id = new SeriesId(batch.getTenant(), Labels.fromAvro(s.getLabels()));
      TreeMap<Long, Long> samples = stored.computeIfAbsent(id, k -> new TreeMap<>());
      for (Sample x : s.getSamples()) {
        long t = x.getTimestampMs();
        long bits = Double.doubleToRawLongBits(x.getValue());
        long max = maxT.getOrDefault(id, Long.MIN_VALUE);
        if (t > max) {
          samples.put(t, bits);
          maxT.put(id, t);
          count(bits);
          continue;
        }
        Long found = samples.get(t);
        long cutoff = max - windowMs;
        if (found != null) {
          // the stage no longer holds samples of an emitted (final) finest window: it calls them too_old
          boolean emitted = resolutions.get(0).windowStart(t) + resolutions.get(0).millis() <= cutoff;
          drop(emitted ? Reason.too_old : found == bits ? Reason.duplicate : Reason.conflicting_value);
        } else if (t < cutoff) {
          drop(Reason.too_old);
        } else {
          samples.put(t, bits);
          count(bits);
        }
      }
    }
  }

  private void count(long bits) {
    if (bits == StaleMarker.BITS) {
      stale++;
    } else {
      accepted++;
    }
  }

  private void drop(Reason r) {
    dropped.merge(r, 1L, Long::sum);
  }

  /**
   * Every window that must have been emitted by now: final for its series ({@code start + res <= maxT -
   * window}) and holding at least one sample that is not a stale marker.
   */
  public Map<Window, Aggregate> finalWindows() {
    Map<Window, Aggregate> out = new HashMap<>();
    for (SeriesId id : stored.keySet()) {
      out.putAll(finalWindows(id));
    }
    return out;
  }

  /** {@link #finalWindows()} of one series. */
  public Map<Window, Aggregate> finalWindows(SeriesId id) {
    Map<Window, Aggregate> out = new HashMap<>();
    TreeMap<Long, Long> samples = stored.get(id);
    if (samples == null || samples.isEmpty()) {
      return out;
    }
    long cutoff = maxT.get(id) - windowMs;
    for (Resolution r : resolutions) {
      Map<Long, List<long[]>> byWindow = new TreeMap<>();
      for (Map.Entry<Long, Long> s : samples.headMap(cutoff, true).entrySet()) {
        long start = r.windowStart(s.getKey());
        if (start + r.millis() <= cutoff && s.getValue() != StaleMarker.BITS) {
          byWindow.computeIfAbsent(start, k -> new ArrayList<>()).add(new long[] {s.getKey(), s.getValue()});
        }
      }
      for (Map.Entry<Long, List<long[]>> w : byWindow.entrySet()) {
        out.put(new Window(id, r.name(), w.getKey()), aggregate(w.getValue()));
      }
    }
    return out;
  }

  /** The series of a batch. */
  public static java.util.Set<SeriesId> seriesOf(SampleBatch batch) {
    java.util.Set<SeriesId> out = new java.util.HashSet<>();
    for (Series s : batch.getSeries()) {
      out.add(new SeriesId(batch.getTenant(), Labels.fromAvro(s.getLabels())));
    }
    return out;
  }

  /** Direct aggregation of samples {timestamp, value bits} sorted by timestamp, as Prometheus's range functions. */
  public static Aggregate aggregate(List<long[]> samples) {
    long n = samples.size();
    double sum = 0;
    double min = Double.NaN;
    double max = Double.NaN;
    double correction = 0;
    long resets = 0;
    long changes = 0;
    for (int i = 0; i < n; i++) {
      double v = Double.longBitsToDouble(samples.get(i)[1]);
      sum = i == 0 ? v : sum + v;
      if (Double.isNaN(min) || v < min) { // Prometheus's min_over_time: NaN only if every value is
        min = v;
      }
      if (Double.isNaN(max) || v > max) {
        max = v;
      }
      if (i > 0) {
        double prev = Double.longBitsToDouble(samples.get(i - 1)[1]);
        if (v < prev) {
          correction += prev;
          resets++;
        }
        boolean same = v == prev || (Double.isNaN(v) && Double.isNaN(prev));
        if (!same) {
          changes++;
        }
      }
    }
    long[] f = samples.get(0);
    long[] l = samples.get((int) n - 1);
    return new Aggregate(n, sum, min, max, f[0], Double.longBitsToDouble(f[1]), l[0], Double.longBitsToDouble(l[1]),
        correction, resets, changes);
  }

  /** The aggregate a RollupWindow carries, for comparison (doubles compare as Double.equals: NaN equals NaN). */
  public static Aggregate of(RollupWindow w) {
    if (!w.getExact() || w.getCounter() != 0.0) {
      throw new AssertionError("windows are exact with counter 0: " + w);
    }
    return new Aggregate(w.getCount(), w.getSum(), w.getMin(), w.getMax(), w.getFirstMs(), w.getFirst(), w.getLastMs(),
        w.getLast(), w.getCorrection(), w.getResets(), w.getChanges());
  }

  public long maxT(SeriesId id) {
    return Objects.requireNonNull(maxT.get(id));
  }
}
