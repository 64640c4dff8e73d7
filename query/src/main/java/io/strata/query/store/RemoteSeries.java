package io.strata.query.store;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.chunkenc.XorAppender;
import io.strata.tsdb.chunkenc.XorIterator;
import java.util.ArrayList;
import java.util.List;

/**
 * One series of a remote selection, held on the query node: raw samples kept as the XOR chunks they came in
 * (decoded when the engine reads them), or rollup windows. {@link #merge} joins the copies of one series that
 * several stores hold (a partition that moved between sink workers, or two stores that both got it).
 */
final class RemoteSeries implements StoredSeries {
  private static final RollupPoint[] NO_WINDOWS = {};

  private final Labels labels;
  private final long minTime;
  private final long maxTime;
  private final List<byte[]> chunks;
  private final RollupPoint[] windows;

  private RemoteSeries(Labels labels, long minTime, long maxTime, List<byte[]> chunks, RollupPoint[] windows) {
    this.labels = labels;
    this.minTime = minTime;
    this.maxTime = maxTime;
    this.chunks = chunks;
    this.windows = windows;
  }

  static RemoteSeries raw(Labels labels, long minTime, long maxTime, List<byte[]> chunks) {
    return new RemoteSeries(labels, minTime, maxTime, chunks, NO_WINDOWS);
  }

  static RemoteSeries rollup(Labels labels, long minTime, long maxTime, RollupPoint[] windows) {
    return new RemoteSeries(labels, minTime, maxTime, List.of(), windows);
  }

  /**
   * The union of two copies of one series: samples (or windows) merged by timestamp (window start), one per
   * timestamp; where both copies hold one, {@code first}'s is kept (copies of a sample that Kafka delivered to
   * two stores are equal). The bounds are the union of both copies' bounds.
   */
  static RemoteSeries merge(RemoteSeries first, RemoteSeries second) {
    long min = Math.min(first.minTime, second.minTime);
    long max = Math.max(first.maxTime, second.maxTime);
    if (first.windows.length > 0 || second.windows.length > 0) {
      return rollup(first.labels, min, max, mergeWindows(first.windows, second.windows));
    }
    SampleColumns a = first.decode();
    SampleColumns b = second.decode();
    SampleColumns m = new SampleColumns(a.size() + b.size(), false);
    int i = 0;
    int j = 0;
    while (i < a.size() || j < b.size()) {
      long ta = i < a.size() ? a.timestamps()[i] : Long.MAX_VALUE;
      long tb = j < b.size() ? b.timestamps()[j] : Long.MAX_VALUE;
      if (ta <= tb) {
        m.add(ta, a.values()[i++], 1);
        if (ta == tb) {
          j++;
        }
      } else {
        m.add(tb, b.values()[j++], 1);
      }
    }
    return raw(first.labels, min, max, encode(m));
  }

  static RollupPoint[] mergeWindows(RollupPoint[] a, RollupPoint[] b) {
    List<RollupPoint> out = new ArrayList<>(a.length + b.length);
    int i = 0;
    int j = 0;
    while (i < a.length || j < b.length) {
      long ta = i < a.length ? a[i].windowStartMs() : Long.MAX_VALUE;
      long tb = j < b.length ? b[j].windowStartMs() : Long.MAX_VALUE;
      if (ta <= tb) {
        out.add(a[i++]);
        if (ta == tb) {
          j++;
        }
      } else {
        out.add(b[j++]);
      }
    }
    return out.toArray(NO_WINDOWS);
  }

  private static List<byte[]> encode(SampleColumns s) {
    List<byte[]> out = new ArrayList<>();
    XorAppender a = new XorAppender(1024);
    for (int i = 0; i < s.size(); i += StoreWire.SAMPLES_PER_CHUNK) {
      a.reset();
      for (int k = i; k < Math.min(s.size(), i + StoreWire.SAMPLES_PER_CHUNK); k++) {
        a.append(s.timestamps()[k], s.values()[k]);
      }
      out.add(a.toBytes());
    }
    return out;
  }

  private SampleColumns decode() {
    SampleColumns c = new SampleColumns(64, false);
    readSamples(Long.MIN_VALUE, Long.MAX_VALUE, c);
    return c;
  }

  @Override
  public Labels labels() {
    return labels;
  }

  @Override
  public SampleCursor samples() {
    return new SampleCursor() {
      private final XorIterator it = new XorIterator();
      private int next;
      private boolean open;

      @Override
      public boolean next() {
        while (true) {
          if (open && it.next()) {
            return true;
          }
          if (next == chunks.size()) {
            return false;
          }
          it.reset(chunks.get(next++));
          open = true;
        }
      }

      @Override
      public long timestamp() {
        return it.t();
      }

      @Override
      public double value() {
        return it.v();
      }
    };
  }

  @Override
  public RollupCursor rollups() {
    return new RollupCursor() {
      private int i = -1;

      @Override
      public boolean next() {
        return ++i < windows.length;
      }

      @Override
      public RollupPoint point() {
        return windows[i];
      }
    };
  }

  @Override
  public int readSamples(long from, long to, SampleColumns out) {
    int n = 0;
    XorIterator it = new XorIterator();
    for (byte[] chunk : chunks) {
      it.reset(chunk);
      while (it.next()) {
        long t = it.t();
        if (t > to) {
          return n;
        }
        if (t >= from) {
          out.add(t, it.v(), 1);
          n++;
        }
      }
    }
    return n;
  }

  @Override
  public long minTime() {
    return minTime;
  }

  @Override
  public long maxTime() {
    return maxTime;
  }
}
