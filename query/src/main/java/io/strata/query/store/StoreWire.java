package io.strata.query.store;

import io.strata.schemas.model.Labels;
import io.strata.tsdb.RollupCursor;
import io.strata.tsdb.RollupPoint;
import io.strata.tsdb.SampleColumns;
import io.strata.tsdb.StoredSeries;
import io.strata.tsdb.chunkenc.ChunkEncoding;
import io.strata.tsdb.chunkenc.RollupColumnsAppender;
import io.strata.tsdb.chunkenc.XorAppender;
import io.strata.tsdb.format.ChunkRecord;
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
 * "STS2"                                   magic and version
 * per series:  u8 1
 *              i32 label count, per label: i32 length + UTF-8 name, i32 length + UTF-8 value (sorted by name)
 *              raw part, then rollup part, each:
 *                i64 minTime, i64 maxTime  the series' bounds at that resolution over the whole store
 *                                          (StoredSeries#minTime; MAX_VALUE, MIN_VALUE when none)
 *                i32 chunk count, per chunk: u8 encoding, i64 maxT, i32 length + the chunk's bytes as stored
 *                                          (tsdb docs/format/chunks.md: u16 count, then minT, ...)
 * u8 0                                     end: an answer cut off before it is an error, never a short answer
 * </pre>
 *
 * Chunks travel as the store holds them (XOR or decimal raw chunks, rollup column chunks): the store neither
 * decodes nor re-encodes, the query node decodes them as the store would (tsdb {@code engine.ChunkSeries}) when
 * the engine reads them. They may reach outside the selected range (the reader clips) and may overlap (the reader
 * merges, one point per timestamp). Only a series whose reads the store filters (deleted ranges) is encoded anew:
 * raw samples as XOR chunks, windows as rollup column chunks.
 */
final class StoreWire {
  static final byte[] MAGIC = "STS2".getBytes(StandardCharsets.US_ASCII);
  static final String CONTENT_TYPE = "application/x-strata-store-series";
  /** Samples per chunk encoded anew: under the chunk's u16 count. */
  static final int SAMPLES_PER_CHUNK = 8192;

  private StoreWire() {}

  /** One resolution's part of a series: its bounds and the chunks with its points in the range. */
  record Part(long minTime, long maxTime, List<ChunkRecord> chunks) {
    static final Part NONE = new Part(Long.MAX_VALUE, Long.MIN_VALUE, List.of());
  }

  /** One series of an answer. */
  record Series(Labels labels, Part raw, Part rolled) {}

  static void writeMagic(DataOutputStream out) throws IOException {
    out.write(MAGIC);
  }

  static void writeEnd(DataOutputStream out) throws IOException {
    out.writeByte(0);
  }

  static void writeSeries(DataOutputStream out, Labels l, Part raw, Part rolled) throws IOException {
    out.writeByte(1);
    out.writeInt(l.size());
    for (int i = 0; i < l.size(); i++) {
      writeString(out, l.name(i));
      writeString(out, l.value(i));
    }
    writePart(out, raw);
    writePart(out, rolled);
  }

  private static void writePart(DataOutputStream out, Part p) throws IOException {
    out.writeLong(p.minTime());
    out.writeLong(p.maxTime());
    out.writeInt(p.chunks().size());
    for (ChunkRecord c : p.chunks()) {
      out.writeByte(c.encoding());
      out.writeLong(c.maxT());
      out.writeInt(c.data().length);
      out.write(c.data());
    }
  }

  /**
   * The part of a selected series with its points in each of the ranges {@code [ranges[2i], ranges[2i+1]]} (sorted,
   * disjoint): its stored chunks, or, when the store filters its reads, its points encoded anew. Null when it has
   * no chunk there.
   */
  static Part part(StoredSeries s, boolean raw, long... ranges) {
    List<ChunkRecord> out = new ArrayList<>();
    for (int i = 0; i < ranges.length; i += 2) {
      if (ranges[i] > ranges[i + 1]) {
        continue;
      }
      List<ChunkRecord> cs = s.storedChunks(ranges[i], ranges[i + 1]);
      if (cs == null) {
        cs = raw ? encodeSamples(s, ranges[i], ranges[i + 1]) : encodeWindows(s, ranges[i], ranges[i + 1]);
      }
      for (ChunkRecord c : cs) {
        if (out.isEmpty() || out.get(out.size() - 1) != c) { // a chunk across two ranges goes once
          out.add(c);
        }
      }
    }
    return out.isEmpty() ? null : new Part(s.minTime(), s.maxTime(), out);
  }

  private static List<ChunkRecord> encodeSamples(StoredSeries s, long from, long to) {
    SampleColumns buf = new SampleColumns(256, false);
    s.readSamples(from, to, buf);
    List<ChunkRecord> out = new ArrayList<>();
    XorAppender a = new XorAppender(1024);
    for (int i = 0; i < buf.size(); i += SAMPLES_PER_CHUNK) {
      a.reset();
      for (int j = i; j < Math.min(buf.size(), i + SAMPLES_PER_CHUNK); j++) {
        a.append(buf.timestamps()[j], buf.values()[j]);
      }
      out.add(new ChunkRecord(ChunkEncoding.XOR, a.minT(), a.maxT(), a.count(), a.toBytes()));
    }
    return out;
  }

  private static List<ChunkRecord> encodeWindows(StoredSeries s, long from, long to) {
    List<ChunkRecord> out = new ArrayList<>();
    RollupColumnsAppender a = null;
    RollupCursor c = s.rollups(); // whole windows, the legacy counter included
    while (c.next()) {
      RollupPoint p = c.point();
      if (p.windowStartMs() < from) {
        continue;
      }
      if (p.windowStartMs() > to) {
        break;
      }
      if (a == null || a.count() == SAMPLES_PER_CHUNK) {
        if (a != null) {
          out.add(new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes()));
        }
        a = new RollupColumnsAppender(ChunkEncoding.ROLLUP_EXACT, 1024);
      }
      a.append(p);
    }
    if (a != null) {
      out.add(new ChunkRecord(ChunkEncoding.ROLLUP_EXACT, a.minT(), a.maxT(), a.count(), a.toBytes()));
    }
    return out;
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Reads an answer; each series goes to {@code sink} as it arrives, in the order written (sorted by labels). */
  static void read(DataInputStream in, java.util.function.Consumer<Series> sink) throws IOException {
    byte[] magic = new byte[MAGIC.length];
    try {
      in.readFully(magic);
    } catch (EOFException e) {
      throw new IOException("not a store API answer (empty)");
    }
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a store API answer (magic " + new String(magic, StandardCharsets.ISO_8859_1) + ")");
    }
    int n = 0;
    try {
      while (true) {
        int tag = in.readUnsignedByte();
        if (tag == 0) {
          return;
        }
        if (tag != 1) {
          throw new IOException("store answer damaged: series tag " + tag + " after " + n + " series");
        }
        int nl = in.readInt();
        if (nl < 0 || nl > (1 << 16)) {
          throw new IOException("store answer damaged: " + nl + " labels");
        }
        String[] kv = new String[2 * nl];
        for (int i = 0; i < kv.length; i++) {
          kv[i] = readString(in);
        }
        Labels labels = Labels.of(kv);
        Part raw = readPart(in);
        Part rolled = readPart(in);
        sink.accept(new Series(labels, raw, rolled));
        n++;
      }
    } catch (EOFException e) {
      throw new IOException("store answer cut off after " + n + " series");
    }
  }

  private static Part readPart(DataInputStream in) throws IOException {
    long minTime = in.readLong();
    long maxTime = in.readLong();
    int n = in.readInt();
    if (n == 0) {
      return new Part(minTime, maxTime, List.of());
    }
    if (n < 0) {
      throw new IOException("store answer damaged: " + n + " chunks");
    }
    List<ChunkRecord> chunks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int enc = in.readUnsignedByte();
      long maxT = in.readLong();
      int len = in.readInt();
      if (enc < ChunkEncoding.XOR || enc > ChunkEncoding.ROLLUP_EXACT || len < ChunkEncoding.HEADER_BYTES + 8 || len > (1 << 28)) {
        throw new IOException("store answer damaged: chunk of encoding " + enc + " and " + len + " bytes");
      }
      byte[] b = new byte[len];
      in.readFully(b);
      long minT = io.strata.tsdb.format.Box.getLong(b, ChunkEncoding.HEADER_BYTES);
      chunks.add(new ChunkRecord(enc, minT, maxT, ChunkEncoding.count(b, 0), b));
    }
    return new Part(minTime, maxTime, chunks);
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
