package io.strata.schemas.model;

/**
 * What Prometheus's range functions need of a run of samples in time order, stale markers left out (range
 * functions skip them): count, sum, min, max, the first and last samples, and the counter correction, resets
 * and changes between consecutive samples. A rollup window stores exactly these fields (the rollup stage
 * builds them, {@code RollupBatch} carries them), and a query composes windows and raw samples into the
 * summary of any range, so {@code rate}, {@code increase}, {@code delta}, {@code *_over_time},
 * {@code resets} and {@code changes} read from rollups equal the raw answer.
 *
 * <p>Composition is exact: appending a run's summary gives the summary of the concatenated samples (integer
 * fields exactly; {@code sum} and {@code correction} up to the order of floating-point additions). The rules
 * at the seam between two runs are Prometheus 2.42's: a reset when the next value is below the previous one
 * (the previous value is added to the correction), a change unless the values are equal or both NaN;
 * {@code min}/{@code max} ignore NaN unless every value is NaN.
 *
 * <p>Mutable and reused (one per reading task): no allocation per sample or window.
 */
public final class SampleSummary {
  public long count;
  public double sum;
  public double min;
  public double max;
  public long firstMs;
  public double first;
  public long lastMs;
  public double last;
  /** Sum of the value before each reset (a value below the one before it): increase = last - first + correction. */
  public double correction;
  public long resets;
  public long changes;

  public SampleSummary() {
    clear();
  }

  public SampleSummary clear() {
    count = 0;
    sum = 0;
    min = Double.NaN;
    max = Double.NaN;
    firstMs = 0;
    first = Double.NaN;
    lastMs = 0;
    last = Double.NaN;
    correction = 0;
    resets = 0;
    changes = 0;
    return this;
  }

  public boolean isEmpty() {
    return count == 0;
  }

  /** Appends one sample, later than every sample so far. A stale marker is skipped. */
  public void add(long t, double v) {
    if (StaleMarker.isStale(v)) {
      return;
    }
    if (count == 0) {
      firstMs = t;
      first = v;
      min = v;
      max = v;
    } else {
      seam(v);
      if (v < min || Double.isNaN(min)) {
        min = v;
      }
      if (v > max || Double.isNaN(max)) {
        max = v;
      }
    }
    count++;
    sum += v;
    lastMs = t;
    last = v;
  }

  /** Appends a run's summary (its samples all later than every sample so far). An empty run changes nothing. */
  public void add(SampleSummary run) {
    add(run.count, run.sum, run.min, run.max, run.firstMs, run.first, run.lastMs, run.last, run.correction, run.resets, run.changes);
  }

  /** Appends a run given by its fields (a rollup window, say), all later than every sample so far. */
  public void add(long runCount, double runSum, double runMin, double runMax, long runFirstMs, double runFirst,
      long runLastMs, double runLast, double runCorrection, long runResets, long runChanges) {
    if (runCount == 0) {
      return;
    }
    if (count == 0) {
      firstMs = runFirstMs;
      first = runFirst;
      min = runMin;
      max = runMax;
    } else {
      seam(runFirst);
      if (runMin < min || Double.isNaN(min)) {
        min = runMin;
      }
      if (runMax > max || Double.isNaN(max)) {
        max = runMax;
      }
    }
    count += runCount;
    sum += runSum;
    correction += runCorrection;
    resets += runResets;
    changes += runChanges;
    lastMs = runLastMs;
    last = runLast;
  }

  /** The reset and change rules between the last value so far and the next one. */
  private void seam(double next) {
    if (next < last) {
      correction += last;
      resets++;
    }
    if (next != last && !(Double.isNaN(next) && Double.isNaN(last))) {
      changes++;
    }
  }

  @Override
  public String toString() {
    return "SampleSummary{count=" + count + ", sum=" + sum + ", min=" + min + ", max=" + max + ", first=" + first + "@" + firstMs
        + ", last=" + last + "@" + lastMs + ", correction=" + correction + ", resets=" + resets + ", changes=" + changes + "}";
  }
}
