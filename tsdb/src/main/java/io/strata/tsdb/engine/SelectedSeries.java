package io.strata.tsdb.engine;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.SampleCursor;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.WindowColumns;
import io.strata.tsdb.chunkenc.RollupColumnDecoder;
import io.strata.tsdb.chunkenc.RollupField;
import io.strata.tsdb.format.BlockMeta;
import io.strata.tsdb.format.ChunkRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/** One series of a select: its in-memory chunks as of the select, and its persisted chunks through the select's snapshot. */
final class SelectedSeries implements StoredSeries {
  private final ReadContext rc;
  private final ChunkReader reader;
  private final long seriesId;
  private final Labels labels;
  private final long res;
  private final long mint;
  private final long maxt;
  /**
   * The series' time bounds at this resolution when selected, over the whole store, in-memory data included
   * (all of its data lies inside): reads outside cost nothing, and {@link #minTime()} / {@link #maxTime()}
   * report them.
   */
  private final long dataMinT;
  private final long dataMaxT;
  private final List<ChunkRecord> mem;
  private final List<List<BlockMeta>> clusters;
  /** Decoders are reused per thread: a decimal chunk's decoder holds arrays of the chunk's size. */
  private static final ThreadLocal<RawDecode> RAW_DECODE = ThreadLocal.withInitial(RawDecode::new);
  private static final ThreadLocal<RollupColumnDecoder> ROLLUP_DECODE = ThreadLocal.withInitial(RollupColumnDecoder::new);

  /** The chunks overlapping [loadedLo, loadedHi], the widest range read so far (reads inside it reuse them). */
  private List<ChunkRecord> loaded;
  private long loadedLo;
  private long loadedHi;

  SelectedSeries(ReadContext rc, ChunkReader reader, long seriesId, Labels labels, long res, long mint, long maxt, long dataMinT, long dataMaxT,
      List<ChunkRecord> mem, List<List<BlockMeta>> clusters) {
    this.dataMinT = dataMinT;
    this.dataMaxT = dataMaxT;
    this.rc = rc;
    this.reader = reader;
    this.seriesId = seriesId;
    this.labels = labels;
    this.res = res;
    this.mint = mint;
    this.maxt = maxt;
    this.mem = mem;
    this.clusters = clusters;
  }

  private ChunkSource source() {
    int[] next = {0};
    return new ChunkSource(mem, () -> next[0] < clusters.size() ? reader.chunks(rc, res, clusters.get(next[0]++), seriesId, mint, maxt) : null);
  }

  private MergeCursor cursor(ChunkSource src, long from, long to) {
    MergeCursor c = res == 0 ? new RawMergeCursor(src, from, to) : new RollupMergeCursor(src, from, to);
    c.onDamage(this::damaged);
    return c;
  }

  private void damaged() {
    if (reader == null) {
      throw new IllegalStateException("chunk of series " + labels + " at resolution " + res + " ended before its sample count");
    }
    reader.corruption(new IllegalStateException("chunk of series " + seriesId + " at resolution " + res + " ended before its sample count"));
  }

  /**
   * Whether the series has a point in [mint, maxt]; false means it is not selected. Decided from the chunks'
   * bounds (minT and maxT are points of the chunk) without decoding, except for a chunk that spans the
   * whole range, which is decoded to look inside.
   */
  boolean prime() {
    for (ChunkRecord c : chunks(mint, maxt)) {
      if (c.minT() > maxt) {
        break;
      }
      if (c.maxT() < mint) {
        continue;
      }
      if (c.minT() >= mint || c.maxT() <= maxt) {
        return true;
      }
      MergeCursor cur = cursor(new ChunkSource(List.of(c), null), mint, maxt);
      if (cur.advance()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The chunks overlapping [from, to], memory and disk, sorted by minT. Those of the whole selected range are
   * read once and kept (a bulk read of the range and the select's check share them); a narrower range reads
   * only the blocks it overlaps.
   */
  private List<ChunkRecord> chunks(long from, long to) {
    long lo = Math.max(from, mint);
    long hi = Math.min(to, maxt);
    if (loaded != null && loadedLo <= lo && loadedHi >= hi) {
      return loaded;
    }
    List<ChunkRecord> out = new ArrayList<>(mem.size() + 4);
    for (ChunkRecord c : mem) {
      if (c.minT() <= hi && c.maxT() >= lo) {
        out.add(c);
      }
    }
    for (List<BlockMeta> cluster : clusters) {
      if (overlaps(cluster, lo, hi)) {
        out.addAll(reader.chunks(rc, res, cluster, seriesId, lo, hi));
      }
    }
    out.sort(ChunkReader.BY_MINT);
    if (loaded == null || hi - lo > loadedHi - loadedLo) {
      loaded = out;
      loadedLo = lo;
      loadedHi = hi;
    }
    return out;
  }

  private static boolean overlaps(List<BlockMeta> cluster, long lo, long hi) {
    for (BlockMeta b : cluster) {
      if (b.overlaps(lo, hi) || (b.start() <= hi && b.maxT() >= lo)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The chunks with points in [lo, hi] (already clipped to the selected range), by minT; none when the range
   * lies outside the series' time bounds.
   */
  private List<ChunkRecord> overlapping(long lo, long hi) {
    if (lo > hi || lo > dataMaxT || hi < dataMinT) {
      return List.of();
    }
    List<ChunkRecord> out = new ArrayList<>();
    for (ChunkRecord c : chunks(lo, hi)) {
      if (c.minT() <= hi && c.maxT() >= lo) {
        out.add(c);
      }
    }
    return out;
  }

  /** Points the chunks hold: room enough for a read of them. */
  private static int points(List<ChunkRecord> cs) {
    long n = 0;
    for (ChunkRecord c : cs) {
      n += c.count();
    }
    return (int) Math.min(n, Integer.MAX_VALUE - 16);
  }

  /** True when every chunk starts after the previous one ends: no merging needed. */
  private static boolean disjoint(List<ChunkRecord> cs) {
    long prevMax = Long.MIN_VALUE;
    for (ChunkRecord c : cs) {
      if (c.minT() <= prevMax) {
        return false;
      }
      prevMax = c.maxT();
    }
    return true;
  }

  /** Decodes the points of one chunk in [lo, hi] into a bulk read's output; false when the chunk is damaged. */
  @FunctionalInterface
  private interface ChunkDecode {
    boolean into(ChunkRecord c, long lo, long hi);
  }

  /**
   * A bulk read of the points in [from, to] and in the selected range, for a raw selection ({@code rollups}
   * false) or a rollup one ({@code rollups} true; nothing at the other kind). Disjoint chunks are decoded one
   * after the other ({@code decode}) after one {@code ensure} of room for all their points, so nothing is
   * allocated per point; overlapping chunks (out-of-order data before compaction, a chunk in memory and on
   * disk during a commit) are merged point by point ({@code merged}).
   */
  private void bulkRead(long from, long to, boolean rollups, IntConsumer ensure, Consumer<MergeCursor> merged, ChunkDecode decode) {
    long lo = Math.max(from, mint);
    long hi = Math.min(to, maxt);
    List<ChunkRecord> cs = (res != 0) == rollups ? overlapping(lo, hi) : List.of();
    if (!disjoint(cs)) {
      merged.accept(cursor(new ChunkSource(cs, null), lo, hi));
      return;
    }
    ensure.accept(points(cs));
    for (ChunkRecord c : cs) {
      if (!decode.into(c, lo, hi)) {
        damaged();
      }
    }
  }

  @Override
  public List<ChunkRecord> storedChunks(long from, long to) {
    return overlapping(Math.max(from, mint), Math.min(to, maxt));
  }

  @Override
  public int readSamples(long from, long to, SampleColumns out) {
    int before = out.size();
    RawDecode raw = RAW_DECODE.get();
    bulkRead(from, to, false, out::ensure, m -> {
      RawMergeCursor c = (RawMergeCursor) m;
      while (c.next()) {
        out.add(c.timestamp(), c.value(), 1);
      }
    }, (c, lo, hi) -> raw.into(c, lo, hi, out));
    return out.size() - before;
  }

  @Override
  public int readRollups(RollupField field, long from, long to, SampleColumns out) {
    int before = out.size();
    RollupColumnDecoder decoder = ROLLUP_DECODE.get();
    bulkRead(from, to, true, out::ensure, m -> {
      RollupMergeCursor c = (RollupMergeCursor) m;
      while (c.next()) {
        RollupPoint p = c.point();
        out.add(p.windowStartMs(), StoredSeries.valueOf(field, p), p.count());
      }
    }, (c, lo, hi) -> {
      int n = decoder.decode(c.encoding(), c.data(), field, lo, hi, out.timestamps(), out.values(), out.counts(), out.size());
      out.setSize(out.size() + n);
      return !decoder.damaged();
    });
    return out.size() - before;
  }

  @Override
  public int readWindows(long from, long to, WindowColumns out) {
    int before = out.size();
    RollupColumnDecoder decoder = ROLLUP_DECODE.get();
    bulkRead(from, to, true, out::ensure, m -> {
      RollupMergeCursor c = (RollupMergeCursor) m;
      while (c.next()) {
        out.add(c.point());
      }
    }, (c, lo, hi) -> {
      decoder.decodeWindows(c.encoding(), c.data(), lo, hi, out);
      return !decoder.damaged();
    });
    return out.size() - before;
  }

  @Override
  public long minTime() {
    return dataMinT;
  }

  @Override
  public long maxTime() {
    return dataMaxT;
  }

  /** Positions a first cursor; false when the series has no data in range. */
  private MergeCursor first() {
    boolean whole = loaded != null && loadedLo <= mint && loadedHi >= maxt;
    MergeCursor c = cursor(whole ? new ChunkSource(loaded, null) : source(), mint, maxt);
    return c.advance() ? c : null;
  }

  private MergeCursor take() {
    return first();
  }

  @Override
  public Labels labels() {
    return labels;
  }

  @Override
  public SampleCursor samples() {
    if (res != 0) {
      return EMPTY_SAMPLES;
    }
    RawMergeCursor c = (RawMergeCursor) take();
    if (c == null) {
      return EMPTY_SAMPLES;
    }
    return new SampleCursor() {
      boolean first = true;

      @Override
      public boolean next() {
        if (first) {
          first = false;
          return true;
        }
        return c.next();
      }

      @Override
      public long timestamp() {
        return c.timestamp();
      }

      @Override
      public double value() {
        return c.value();
      }
    };
  }

  @Override
  public RollupCursor rollups() {
    if (res == 0) {
      return EMPTY_ROLLUPS;
    }
    RollupMergeCursor c = (RollupMergeCursor) take();
    if (c == null) {
      return EMPTY_ROLLUPS;
    }
    return new RollupCursor() {
      boolean first = true;

      @Override
      public boolean next() {
        if (first) {
          first = false;
          return true;
        }
        return c.next();
      }

      @Override
      public RollupPoint point() {
        return c.point();
      }
    };
  }

  static final SampleCursor EMPTY_SAMPLES = new SampleCursor() {
    @Override
    public boolean next() {
      return false;
    }

    @Override
    public long timestamp() {
      throw new IllegalStateException("empty cursor");
    }

    @Override
    public double value() {
      throw new IllegalStateException("empty cursor");
    }
  };

  static final RollupCursor EMPTY_ROLLUPS = new RollupCursor() {
    @Override
    public boolean next() {
      return false;
    }

    @Override
    public RollupPoint point() {
      throw new IllegalStateException("empty cursor");
    }
  };
}
