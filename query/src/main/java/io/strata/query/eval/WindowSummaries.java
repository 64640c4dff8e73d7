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

  private StoredSeries raw;
  private Labels labels;
  private boolean bodyRead;
  private boolean tailRead;
  /** The windows are final in [coverFrom, coverTo): first stored window's start to last stored window's end. */
  private long coverFrom;
  private long coverTo;

  WindowSummaries(long res, long[] refs, long range, long from, long to) {
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
    }
    return true;
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

  /** The windows' part of [a, b] (inside the covered span): whole windows, and cut ones from raw when needed. */
  private void addWindows(SampleSummary out, long a, long b) {
    long[] starts = windows.starts();
    int n = windows.size();
    // the first window that ends at or after a: start > a - res
    int i = firstAbove(starts, n, a - res);
    long[] firstMs = windows.firstMs();
    long[] lastMs = windows.lastMs();
    for (; i < n && starts[i] <= b; i++) {
      long s = starts[i];
      if ((s >= a && s + res - 1 <= b) || (firstMs[i] >= a && lastMs[i] <= b)) {
        addWindow(out, i);
      } else if (firstMs[i] == b) {
        // the range ends on the window's first sample: only that one is inside
        out.add(firstMs[i], windows.firsts()[i]);
      } else if (lastMs[i] == a) {
        // the range starts on the window's last sample
        out.add(lastMs[i], windows.lasts()[i]);
      } else if (lastMs[i] >= a && firstMs[i] <= b) {
        // the range's edge cuts through this window's samples
        addRaw(out, Math.max(a, s), Math.min(b, s + res - 1));
      }
    }
  }

  private void addWindow(SampleSummary out, int i) {
    windowSamples += windows.counts()[i];
    out.add(windows.counts()[i], windows.sums()[i], windows.mins()[i], windows.maxs()[i], windows.firstMs()[i],
        windows.firsts()[i], windows.lastMs()[i], windows.lasts()[i], windows.corrections()[i], windows.resets()[i],
        windows.changes()[i]);
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
