package io.strata.query.store;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.chunkenc.XorAppender;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary answer of {@code /api/v1/store/select} (query/README.md, "Store API"), written by the store node
 * and read by the query node. Big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * "STS1"                                   magic and version
 * per series:  u8 1
 *              i32 label count, per label: i32 length + UTF-8 name, i32 length + UTF-8 value (sorted by name)
 *              i64 minTime, i64 maxTime    the series' bounds over the whole store (StoredSeries#minTime)
 *              raw selection:    i32 chunk count, per chunk: i32 length + an XOR chunk (tsdb docs/format/chunks.md,
 *                                encoding 1: u16 sample count, delta-of-delta timestamps, XOR values)
 *              rollup selection: i32 window count, per window the 14 fields of RollupPoint in declaration order
 *                                (i64 start, i64 count, f64 sum, min, max, last, counter, i64 firstMs, f64 first,
 *                                i64 lastMs, f64 correction, i64 resets, i64 changes, u8 exact)
 * u8 0                                     end: an answer cut off before it is an error, never a short answer
 * </pre>
 *
 * Raw samples travel as XOR chunks because selections are large (10,000 series x 24 h is 23 M samples): about
 * 1.5 bytes a sample instead of 16 as plain numbers or about 30 as JSON, bit-exact (stale markers included),
 * and the query node keeps them compressed until the engine reads them. Rollup windows are few; they travel plain.
 */
final class StoreWire {
  static final byte[] MAGIC = "STS1".getBytes(StandardCharsets.US_ASCII);
  static final String CONTENT_TYPE = "application/x-strata-store-series";
  /** Samples per XOR chunk: under the chunk's u16 count, small enough that merging copies re-encodes little. */
  static final int SAMPLES_PER_CHUNK = 8192;

  private StoreWire() {}

  /** Writes the series' data in [minT, maxT]; a series with nothing there is left out (select's contract). */
  static void write(DataOutputStream out, List<StoredSeries> series, boolean raw, long minT, long maxT) throws IOException {
    out.write(MAGIC);
    SampleColumns buf = new SampleColumns(256, false);
    XorAppender chunk = new XorAppender(1024);
    List<RollupPoint> windows = new ArrayList<>();
    for (StoredSeries s : series) {
      if (raw) {
        buf.truncate(0);
        if (s.readSamples(minT, maxT, buf) == 0) {
          continue;
        }
        writeHeader(out, s);
        int n = buf.size();
        out.writeInt((n + SAMPLES_PER_CHUNK - 1) / SAMPLES_PER_CHUNK);
        long[] t = buf.timestamps();
        double[] v = buf.values();
        for (int i = 0; i < n; i += SAMPLES_PER_CHUNK) {
          chunk.reset();
          for (int j = i; j < Math.min(n, i + SAMPLES_PER_CHUNK); j++) {
            chunk.append(t[j], v[j]);
          }
          byte[] b = chunk.toBytes();
          out.writeInt(b.length);
          out.write(b);
        }
      } else {
        windows.clear();
        RollupCursor c = s.rollups();
        while (c.next()) {
          windows.add(c.point());
        }
        if (windows.isEmpty()) {
          continue;
        }
        writeHeader(out, s);
        out.writeInt(windows.size());
        for (RollupPoint p : windows) {
          writeWindow(out, p);
        }
      }
    }
    out.writeByte(0);
  }

  private static void writeHeader(DataOutputStream out, StoredSeries s) throws IOException {
    out.writeByte(1);
    Labels l = s.labels();
    out.writeInt(l.size());
    for (int i = 0; i < l.size(); i++) {
      writeString(out, l.name(i));
      writeString(out, l.value(i));
    }
    out.writeLong(s.minTime());
    out.writeLong(s.maxTime());
  }

  private static void writeWindow(DataOutputStream out, RollupPoint p) throws IOException {
    out.writeLong(p.windowStartMs());
    out.writeLong(p.count());
    out.writeDouble(p.sum());
    out.writeDouble(p.min());
    out.writeDouble(p.max());
    out.writeDouble(p.last());
    out.writeDouble(p.counter());
    out.writeLong(p.firstMs());
    out.writeDouble(p.first());
    out.writeLong(p.lastMs());
    out.writeDouble(p.correction());
    out.writeLong(p.resets());
    out.writeLong(p.changes());
    out.writeByte(p.exact() ? 1 : 0);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Reads an answer whole; the series come back in the order written (sorted by labels). */
  static List<RemoteSeries> read(DataInputStream in, boolean raw) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    in.readFully(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a store API answer (magic " + new String(magic, StandardCharsets.ISO_8859_1) + ")");
    }
    List<RemoteSeries> out = new ArrayList<>();
    while (true) {
      int tag;
      try {
        tag = in.readUnsignedByte();
      } catch (EOFException e) {
        throw new IOException("store answer cut off after " + out.size() + " series");
      }
      if (tag == 0) {
        return out;
      }
      if (tag != 1) {
        throw new IOException("store answer damaged: series tag " + tag + " after " + out.size() + " series");
      }
      int nl = in.readInt();
      String[] kv = new String[2 * nl];
      for (int i = 0; i < kv.length; i++) {
        kv[i] = readString(in);
      }
      Labels labels = Labels.of(kv);
      long minTime = in.readLong();
      long maxTime = in.readLong();
      int n = in.readInt();
      if (raw) {
        List<byte[]> chunks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          byte[] b = new byte[in.readInt()];
          in.readFully(b);
          chunks.add(b);
        }
        out.add(RemoteSeries.raw(labels, minTime, maxTime, chunks));
      } else {
        RollupPoint[] w = new RollupPoint[n];
        for (int i = 0; i < n; i++) {
          w[i] = new RollupPoint(in.readLong(), in.readLong(), in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble(),
              in.readDouble(), in.readLong(), in.readDouble(), in.readLong(), in.readDouble(), in.readLong(), in.readLong(), in.readByte() != 0);
        }
        out.add(RemoteSeries.rollup(labels, minTime, maxTime, w));
      }
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > (1 << 20)) {
      throw new IOException("store answer damaged: string of " + n + " bytes");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
