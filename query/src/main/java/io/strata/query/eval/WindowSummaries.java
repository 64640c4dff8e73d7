package io.strata.query.eval;

import io.strata.promql.storage.SummarizedSeries;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SampleSummary;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.WindowColumns;

/**
 * One series of {@link StoreQueryable#summarizeEach}: the summary of each step's range
 * {@code [refs[k] - range, refs[k]]} composed from the series' stored rollup windows and, where they do not
 * cover the range, its raw samples (see {@link StoreQueryable}). One instance per read task, reused from
 * series to series: its buffers grow to the task's largest series and no further.
 */
final class WindowSummaries implements SummarizedSeries {
  private final long res;
  private final long[] refs;
  private final long range;
  /** The selection's time range: every step's range lies inside. */
  private final long from;
  private final long to;
  private final WindowColumns windows = new WindowColumns(64);
  /** Raw samples before {@link #coverFrom}, or cut windows' samples: [from, coverTo), read on first need. */
  private final SampleColumns body = new SampleColumns(64, false);
  /** Raw samples from {@link #coverTo} on (not rolled up yet), read on first need. */
  private final SampleColumns tail = new SampleColumns(16, false);
  /** Samples the steps read from windows, and raw outside the windows' span (summed over steps). */
  long windowSamples;
  long uncoveredSamples;

  /** Which of the non-additive fields the function reads (the others are left unset): sum, or min and max. */
  private final boolean needsSum;
  private final boolean needsMinMax;
  /** The windows' run summary, composed in O(1) per step (but sum: one pass over the windows). */
  private final SampleSummary run = new SampleSummary();
  /**
   * Per window i (and n): the windows before it summed, with the seam to the window before each window
   * counted as that window's: counts, resets and changes. {@code fix[i]} lists the windows whose correction
   * or seam correction is not 0, so a run adds the corrections of those only, in order.
   */
  private long[] countsBefore = new long[65];
  private long[] resetsBefore = new long[65];
  private long[] changesBefore = new long[65];
  private boolean[] seamReset = new boolean[64];
  private boolean[] seamChange = new boolean[64];
  private double[] seamCorrection = new double[64];
  private int[] fix = new int[64];
  private int fixN;
  /** Sparse tables of the windows' minima and maxima: level j holds the extreme of 2^j windows from i. */
  private double[][] minTable = new double[1][];
  private double[][] maxTable = new double[1][];

  private StoredSeries raw;
  private Labels labels;
  private boolean bodyRead;
  private boolean tailRead;
  /** The windows are final in [coverFrom, coverTo): first stored window's start to last stored window's end. */
  private long coverFrom;
  private long coverTo;

  WindowSummaries(String function, long res, long[] refs, long range, long from, long to) {
    this.needsSum = function.equals("sum_over_time");
    this.needsMinMax = function.equals("min_over_time") || function.equals("max_over_time");
    this.res = res;
    this.refs = refs;
    this.range = range;
    this.from = from;
    this.to = to;
  }

  /** Switches to the next series (either may be null, not both); false when it has nothing in the range. */
  boolean load(StoredSeries rawSeries, StoredSeries rolled) {
    raw = rawSeries;
    labels = rawSeries != null ? rawSeries.labels() : rolled.labels();
    bodyRead = false;
    tailRead = false;
    windows.truncate(0);
    // nothing rolled up: all raw
    coverFrom = Long.MAX_VALUE;
    coverTo = Long.MAX_VALUE;
    if (rolled != null && rolled.maxTime() != Long.MIN_VALUE) {
      coverFrom = rolled.minTime();
      coverTo = rolled.maxTime() + res;
      int n = rolled.readWindows(from - res + 1, to, windows);
      boolean[] exact = windows.exact();
      for (int i = 0; i < n; i++) {
        if (!exact[i]) {
          // a legacy window (no first and last samples): read the series raw
          windows.truncate(0);
          coverFrom = Long.MAX_VALUE;
          coverTo = Long.MAX_VALUE;
          break;
        }
      }
      index();
    }
    return true;
  }

  /** Builds the per-window prefix sums, the correction list and (min/max functions) the sparse tables. */
  private void index() {
    int n = windows.size();
    if (countsBefore.length < n + 1) {
      int c = Math.max(n + 1, countsBefore.length * 2);
      countsBefore = new long[c];
      resetsBefore = new long[c];
      changesBefore = new long[c];
      seamReset = new boolean[c];
      seamChange = new boolean[c];
      seamCorrection = new double[c];
      fix = new int[c];
    }
    long[] counts = windows.counts();
    long[] resets = windows.resets();
    long[] changes = windows.changes();
    double[] firsts = windows.firsts();
    double[] lasts = windows.lasts();
    double[] corrections = windows.corrections();
    fixN = 0;
    for (int i = 0; i < n; i++) {
      // the seam rules of SampleSummary between the last sample of window i - 1 and the first of window i
      double prev = i == 0 ? Double.NaN : lasts[i - 1];
      double next = firsts[i];
      seamReset[i] = i > 0 && next < prev;
      seamChange[i] = i > 0 && next != prev && !(Double.isNaN(next) && Double.isNaN(prev));
      seamCorrection[i] = seamReset[i] ? prev : 0;
      countsBefore[i + 1] = countsBefore[i] + counts[i];
      resetsBefore[i + 1] = resetsBefore[i] + resets[i] + (seamReset[i] ? 1 : 0);
      changesBefore[i + 1] = changesBefore[i] + changes[i] + (seamChange[i] ? 1 : 0);
      if (corrections[i] != 0 || seamCorrection[i] != 0) {
        fix[fixN++] = i;
      }
    }
    if (needsMinMax) {
      minTable = sparseTable(minTable, windows.mins(), n, true);
      maxTable = sparseTable(maxTable, windows.maxs(), n, false);
    }
  }

  /** Level 0 the values; level j the extreme of level j - 1 at i and i + 2^(j-1) (NaN only when both are). */
  private static double[][] sparseTable(double[][] t, double[] values, int n, boolean min) {
    int levels = 1;
    while ((1 << levels) <= n) {
      levels++;
    }
    if (t.length < levels) {
      t = java.util.Arrays.copyOf(t, levels);
    }
    for (int j = 0; j < levels; j++) {
      if (t[j] == null || t[j].length < n) {
        t[j] = new double[Math.max(n, 64)];
      }
    }
    System.arraycopy(values, 0, t[0], 0, n);
    for (int j = 1; j < levels; j++) {
      int half = 1 << (j - 1);
      double[] lo = t[j - 1];
      double[] hi = t[j];
      for (int i = 0; i + (1 << j) <= n; i++) {
        hi[i] = extreme(lo[i], lo[i + half], min);
      }
    }
    return t;
  }

  /** min or max as min_over_time/max_over_time take them: NaN only when both are NaN. */
  private static double extreme(double a, double b, boolean min) {
    if (Double.isNaN(a)) {
      return b;
    }
    if (Double.isNaN(b)) {
      return a;
    }
    return min ? (b < a ? b : a) : (b > a ? b : a);
  }

  private double rangeExtreme(double[][] t, int p, int q, boolean min) {
    int len = q - p + 1;
    int j = 31 - Integer.numberOfLeadingZeros(len);
    return extreme(t[j][p], t[j][q - (1 << j) + 1], min);
  }

  /** Appends the summary of whole windows p..q (each wholly inside the step's range) to out. */
  private void addRun(SampleSummary out, int p, int q) {
    if (p > q) {
      return;
    }
    long count = countsBefore[q + 1] - countsBefore[p];
    windowSamples += count;
    double correction = 0;
    // the corrections inside windows p..q and at their seams (not at p's: that seam is with what comes before)
    int f = firstAtOrAbove(fix, fixN, p);
    double[] corrections = windows.corrections();
    for (; f < fixN && fix[f] <= q; f++) {
      int i = fix[f];
      if (i > p) {
        correction += seamCorrection[i];
      }
      correction += corrections[i];
    }
    long resets = resetsBefore[q + 1] - resetsBefore[p] - (seamReset[p] ? 1 : 0);
    long changes = changesBefore[q + 1] - changesBefore[p] - (seamChange[p] ? 1 : 0);
    double sum = 0;
    if (needsSum) {
      double[] sums = windows.sums();
      for (int i = p; i <= q; i++) {
        sum += sums[i];
      }
    }
    double min = needsMinMax ? rangeExtreme(minTable, p, q, true) : Double.NaN;
    double max = needsMinMax ? rangeExtreme(maxTable, p, q, false) : Double.NaN;
    out.add(count, sum, min, max, windows.firstMs()[p], windows.firsts()[p], windows.lastMs()[q], windows.lasts()[q], correction,
        resets, changes);
  }

  private static int firstAtOrAbove(int[] values, int n, int x) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] >= x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }

  @Override
  public Labels labels() {
    return labels;
  }

  @Override
  public boolean summarize(int k, SampleSummary out) {
    long ref = refs[k];
    long lo = ref - range;
    if (lo < coverFrom) {
      addRaw(out, lo, Math.min(ref, coverFrom - 1));
      uncoveredSamples += out.count;
    }
    long a = Math.max(lo, coverFrom);
    long b = Math.min(ref, coverTo - 1);
    if (a <= b) {
      addWindows(out, a, b);
    }
    if (ref >= coverTo) {
      long tailFrom = out.count;
      addRaw(out, Math.max(lo, coverTo), ref);
      uncoveredSamples += out.count - tailFrom;
    }
    return !out.isEmpty();
  }

  /**
   * The windows' part of [a, b] (inside the covered span): the windows wholly inside as one run, and the
   * windows cut by a or b (at most one at each end) from what their first and last samples say, or raw.
   */
  private void addWindows(SampleSummary out, long a, long b) {
    long[] starts = windows.starts();
    int n = windows.size();
    // the first window that ends at or after a (start > a - res), and the last that starts at or before b
    int p = firstAbove(starts, n, a - res);
    int q = firstAbove(starts, n, b) - 1;
    if (p > q) {
      return;
    }
    if (!whole(p, a, b)) {
      addPart(out, p, a, b);
      p++;
    }
    boolean cutAtEnd = q >= p && !whole(q, a, b);
    addRun(out, p, cutAtEnd ? q - 1 : q);
    if (cutAtEnd) {
      addPart(out, q, a, b);
    }
  }

  /** Whether window i's samples all lie in [a, b]. */
  private boolean whole(int i, long a, long b) {
    long s = windows.starts()[i];
    return (s >= a && s + res - 1 <= b) || (windows.firstMs()[i] >= a && windows.lastMs()[i] <= b);
  }

  /** The part of window i inside [a, b], when the range's edge cuts through it. */
  private void addPart(SampleSummary out, int i, long a, long b) {
    long s = windows.starts()[i];
    long firstMs = windows.firstMs()[i];
    long lastMs = windows.lastMs()[i];
    if (lastMs < a || firstMs > b) {
      return; // its samples all lie outside
    }
    if (firstMs == b) {
      // the range ends on the window's first sample: only that one is inside
      out.add(firstMs, windows.firsts()[i]);
    } else if (lastMs == a) {
      // the range starts on the window's last sample
      out.add(lastMs, windows.lasts()[i]);
    } else {
      addRaw(out, Math.max(a, s), Math.min(b, s + res - 1));
    }
  }

  /** The raw samples in [a, b] (stale markers are skipped by the summary). */
  private void addRaw(SampleSummary out, long a, long b) {
    if (raw == null || a > b) {
      return;
    }
    SampleColumns c;
    if (a >= coverTo) {
      if (!tailRead) {
        tailRead = true;
        tail.truncate(0);
        raw.readSamples(Math.max(from, coverTo), to, tail);
      }
      c = tail;
    } else {
      if (!bodyRead) {
        bodyRead = true;
        body.truncate(0);
        raw.readSamples(from, Math.min(to, coverTo - 1), body);
      }
      c = body;
    }
    long[] t = c.timestamps();
    double[] v = c.values();
    int n = c.size();
    for (int i = firstAbove(t, n, a - 1); i < n && t[i] <= b; i++) {
      out.add(t[i], v[i]);
    }
  }

  /** The first index whose value is above {@code x} (n when none): values ascend. */
  private static int firstAbove(long[] values, int n, long x) {
    int lo = 0;
    int hi = n;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (values[mid] > x) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
