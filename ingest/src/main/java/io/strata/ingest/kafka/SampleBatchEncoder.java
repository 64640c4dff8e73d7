package io.strata.ingest.kafka;

import io.strata.schemas.model.Labels;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a {@code SampleBatch} record in the Confluent wire format (magic 0, 4-byte big-endian schema id,
 * Avro binary) straight from {@link SeriesSamples}, without building one Avro {@code Sample} object per
 * sample. The bytes are the ones {@code AvroWireSerde} writes for the same batch (a test compares them):
 * strings are a zig-zag varint byte length plus UTF-8, longs zig-zag varints, doubles 8 bytes little-endian,
 * a non-empty array one block (count, items) closed by a 0 count, an empty array a single 0.
 *
 * <p>Avro's {@code BinaryEncoder.writeString} allocates a byte[] per string; here ASCII strings (label
 * names and almost all values) are copied char by char into the reused buffer. Not thread-safe: one
 * encoder per thread (the producer keeps one per thread).
 *
 * <p>Two ways to write a record: {@link #begin} with the series count, the series, {@link #finish()}; or,
 * when the count is known only at the end (series streamed into per-partition encoders while a request is
 * decoded, see {@link PartitionedBatch}), {@link #beginSeries()}, the series, {@link #finish(int, String, String)},
 * which puts the header in front. Both write the same bytes.
 */
public final class SampleBatchEncoder {
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private byte[] buf;
  private int pos;
  private int seriesCount; // series written since begin/beginSeries
  private SampleBatchEncoder header; // scratch for finish(int, String, String)
  // records of at most maxBody body bytes (beginSeries path only): the closed ones end at cutEnds[i] and hold
  // cutCounts[i] series; the open one starts at segStart with the series from segFirst on
  private int maxBody = Integer.MAX_VALUE;
  private int[] cutEnds = new int[0];
  private int[] cutCounts = new int[0];
  private int cuts;
  private int segStart;
  private int segFirst;

  public SampleBatchEncoder() {
    this(64 * 1024);
  }

  SampleBatchEncoder(int capacity) {
    buf = new byte[capacity];
  }

  /** Bytes of the buffer (what a pooled encoder retains). */
  int capacity() {
    return buf.length;
  }

  /** Starts a record whose series count is known only at the end; see {@link #finish(int, String, String)}. */
  void beginSeries() {
    beginSeries(Integer.MAX_VALUE);
  }

  /**
   * Starts records whose series counts are known only at the end, each with at most {@code maxBody} bytes of
   * series (see {@link #records}): a series that would take the open record past it starts the next one.
   */
  void beginSeries(int maxBody) {
    pos = 0;
    seriesCount = 0;
    this.maxBody = maxBody;
    cuts = 0;
    segStart = 0;
    segFirst = 0;
  }

  /**
   * After a series was written from {@code start}: when the open record passed {@code maxBody}, the series
   * moves to a record of its own (if others were before it); a series alone larger than that is refused.
   */
  private void afterSeries(int start, Labels labels) {
    if (pos - segStart <= maxBody) {
      return;
    }
    if (seriesCount - 1 > segFirst) {
      if (cuts == cutEnds.length) {
        cutEnds = Arrays.copyOf(cutEnds, Math.max(4, cuts * 2));
        cutCounts = Arrays.copyOf(cutCounts, cutEnds.length);
      }
      cutEnds[cuts] = start;
      cutCounts[cuts++] = seriesCount - 1 - segFirst;
      segStart = start;
      segFirst = seriesCount - 1;
    }
    if (pos - segStart > maxBody) {
      throw new SeriesTooLargeException(labels, pos - start, maxBody);
    }
  }

  /** Series written since {@link #begin} or {@link #beginSeries()}. */
  int seriesCount() {
    return seriesCount;
  }

  /** Starts a record: header, tenant, source and the series array's block count. */
  public void begin(int schemaId, String tenant, String source, int seriesCount) {
    pos = 0;
    this.seriesCount = 0;
    maxBody = Integer.MAX_VALUE; // one record, whatever its size
    cuts = 0;
    segStart = 0;
    segFirst = 0;
    ensure(5);
    buf[pos++] = 0;
    buf[pos++] = (byte) (schemaId >>> 24);
    buf[pos++] = (byte) (schemaId >>> 16);
    buf[pos++] = (byte) (schemaId >>> 8);
    buf[pos++] = (byte) schemaId;
    writeString(tenant);
    writeString(source);
    if (seriesCount > 0) {
      writeLong(seriesCount);
    }
  }

  /**
   * One series: the Avro labels of {@code encoded} (one copy) and the samples {@code ts/vs[from, from+n)}.
   * Writes what {@link #series(SeriesSamples)} writes for the same series and samples.
   */
  void series(EncodedSeries encoded, long[] ts, double[] vs, int from, int n) {
    seriesCount++;
    int start = pos;
    ensure(encoded.avroLength() + 11 + n * 18); // labels, count, <= 18 bytes per sample, closing 0
    pos = encoded.copyAvroLabels(buf, pos);
    if (n > 0) {
      writeLongUnchecked(n);
      for (int i = from; i < from + n; i++) {
        writeLongUnchecked(ts[i]);
        LONGS.set(buf, pos, Double.doubleToRawLongBits(vs[i])); // raw bits: the stale marker NaN stays bit-exact
        pos += 8;
      }
    }
    buf[pos++] = 0;
    afterSeries(start, encoded.labels());
  }

  /** One series with its first {@code s.count()} samples. */
  public void series(SeriesSamples s) {
    seriesCount++;
    int start = pos;
    EncodedSeries encoded = s.encoded();
    if (encoded != null) {
      ensure(encoded.avroLength()); // cached by the decoder: one copy instead of a loop per char
      pos = encoded.copyAvroLabels(buf, pos);
    } else {
      writeLabels(s.labels());
    }
    int count = s.count();
    long[] ts = s.timestamps();
    double[] vs = s.values();
    if (count > 0) {
      writeLong(count);
      ensure(count * 18); // at most 10 bytes of varint timestamp + 8 bytes of double per sample
      for (int i = 0; i < count; i++) {
        writeLongUnchecked(ts[i]);
        long bits = Double.doubleToRawLongBits(vs[i]); // raw bits: the stale marker NaN stays bit-exact
        for (int b = 0; b < 8; b++) {
          buf[pos++] = (byte) (bits >>> (8 * b));
        }
      }
    }
    writeLong(0);
    afterSeries(start, s.labels());
  }

  private void writeLabels(Labels labels) {
    int n = labels.size();
    if (n > 0) {
      writeLong(n);
      for (int i = 0; i < n; i++) {
        writeString(labels.name(i));
        writeString(labels.value(i));
      }
    }
    writeLong(0);
  }

  /** The Avro binary of a label array (what {@link #series} writes before the samples). */
  static byte[] labelArray(Labels labels) {
    SampleBatchEncoder enc = new SampleBatchEncoder(16 + labels.size() * 32);
    enc.writeLabels(labels);
    return Arrays.copyOf(enc.buf, enc.pos);
  }

  /** Closes the series array and returns a copy of the record's bytes. */
  public byte[] finish() {
    writeLong(0); // closes the block begun in begin(), or is the whole (empty) array when seriesCount is 0
    return Arrays.copyOf(buf, pos);
  }

  /**
   * The record of the series written since {@link #beginSeries()}: the header {@link #begin} would have
   * written with their count, the series, the closing 0; in one array of the exact size (one copy).
   */
  byte[] finish(int schemaId, String tenant, String source) {
    if (cuts != 0) {
      throw new IllegalStateException("BUG: the series were split into " + records() + " records; use records()");
    }
    return record(schemaId, tenant, source, 0, pos, seriesCount);
  }

  /** Records the series written since {@link #beginSeries(int)} were split into (0 when there are none). */
  int records() {
    return cuts + (seriesCount > segFirst ? 1 : 0);
  }

  /** Record {@code i} of {@link #records()}: as {@link #finish(int, String, String)} writes it for its series. */
  byte[] record(int i, int schemaId, String tenant, String source) {
    int from = i == 0 ? 0 : cutEnds[i - 1];
    if (i < cuts) {
      return record(schemaId, tenant, source, from, cutEnds[i], cutCounts[i]);
    }
    return record(schemaId, tenant, source, segStart, pos, seriesCount - segFirst);
  }

  private byte[] record(int schemaId, String tenant, String source, int from, int to, int count) {
    if (header == null) {
      header = new SampleBatchEncoder(64);
    }
    header.begin(schemaId, tenant, source, count);
    int headerLength = header.pos;
    byte[] out = new byte[headerLength + (to - from) + 1];
    System.arraycopy(header.buf, 0, out, 0, headerLength);
    System.arraycopy(buf, from, out, headerLength, to - from);
    out[out.length - 1] = 0; // closes the series array (zig-zag 0)
    return out;
  }

  private void ensure(int more) {
    if (pos + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
    }
  }

  private void writeLong(long v) {
    ensure(10);
    writeLongUnchecked(v);
  }

  private void writeLongUnchecked(long v) {
    long n = (v << 1) ^ (v >> 63); // zig-zag
    while ((n & ~0x7FL) != 0) {
      buf[pos++] = (byte) ((n & 0x7F) | 0x80);
      n >>>= 7;
    }
    buf[pos++] = (byte) n;
  }

  private void writeString(String s) {
    int len = s.length();
    boolean ascii = true;
    for (int i = 0; i < len; i++) {
      if (s.charAt(i) >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) {
      writeLong(len);
      ensure(len);
      for (int i = 0; i < len; i++) {
        buf[pos++] = (byte) s.charAt(i);
      }
    } else {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeLong(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
    }
  }
}
