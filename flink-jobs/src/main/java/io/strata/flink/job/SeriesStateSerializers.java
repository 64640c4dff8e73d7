package io.strata.flink.job;

import io.strata.flink.model.SeriesSamples;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Serializers of the rule job's per-group series state ({@code EvaluateGroups}' {@code series-v2} map), chosen
 * for checkpoint cost. Flink's String and POJO serializers write a string one character per call, and the heap
 * backend's snapshot stream takes each call through a synchronized {@code DataOutputStream.write(int)}: a
 * profile of the 250-rule benchmark had 85 % of the checkpoint thread's samples there (bench/results/RuleEvaluationHarness.md).
 * These encode a key or a series into a byte array and write it with one call.
 *
 * <p>Copies are shallow: the state's {@link SeriesSamples} are never changed in place ({@code merge} and
 * {@code trim} put new ones), so the copy-on-write of a group's map while a snapshot runs copies the map, not
 * every series' arrays.
 */
public final class SeriesStateSerializers {
  private SeriesStateSerializers() {}

  /** A map key: its UTF-8 bytes, length first. */
  public static final class Key extends TypeSerializerSingleton<String> {
    public static final Key INSTANCE = new Key();

    @Override
    public boolean isImmutableType() {
      return true;
    }

    @Override
    public String createInstance() {
      return "";
    }

    @Override
    public String copy(String from) {
      return from;
    }

    @Override
    public String copy(String from, String reuse) {
      return from;
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public void serialize(String record, DataOutputView target) throws IOException {
      byte[] b = record.getBytes(StandardCharsets.UTF_8);
      target.writeInt(b.length);
      target.write(b);
    }

    @Override
    public String deserialize(DataInputView source) throws IOException {
      byte[] b = new byte[source.readInt()];
      source.readFully(b);
      return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public String deserialize(String reuse, DataInputView source) throws IOException {
      return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
      int n = source.readInt();
      target.writeInt(n);
      target.write(source, n);
    }

    @Override
    public TypeSerializerSnapshot<String> snapshotConfiguration() {
      return new KeySnapshot();
    }
  }

  public static final class KeySnapshot extends SimpleTypeSerializerSnapshot<String> {
    public KeySnapshot() {
      super(() -> Key.INSTANCE);
    }
  }

  /**
   * A series: length of the encoding, then label count and each label's UTF-8 bytes, sample count, the
   * timestamps as zig-zag varint deltas (the first from 0) and the values' raw bits (stale markers kept).
   */
  public static final class Series extends TypeSerializerSingleton<SeriesSamples> {
    public static final Series INSTANCE = new Series();

    @Override
    public boolean isImmutableType() {
      return false;
    }

    @Override
    public SeriesSamples createInstance() {
      return new SeriesSamples();
    }

    /** Shallow: see the class comment. */
    @Override
    public SeriesSamples copy(SeriesSamples from) {
      return from;
    }

    @Override
    public SeriesSamples copy(SeriesSamples from, SeriesSamples reuse) {
      return from;
    }

    @Override
    public int getLength() {
      return -1;
    }

    @Override
    public void serialize(SeriesSamples s, DataOutputView target) throws IOException {
      byte[][] labels = new byte[s.labels.length][];
      int size = 4 + 4 + 10 * s.timestamps.length + 8 * s.valueBits.length;
      for (int i = 0; i < labels.length; i++) {
        labels[i] = s.labels[i].getBytes(StandardCharsets.UTF_8);
        size += 5 + labels[i].length;
      }
      Buf b = new Buf(size);
      b.varint(labels.length);
      for (byte[] l : labels) {
        b.varint(l.length);
        b.bytes(l);
      }
      b.varint(s.timestamps.length);
      long prev = 0;
      for (long t : s.timestamps) {
        long d = t - prev;
        b.varlong((d << 1) ^ (d >> 63));
        prev = t;
      }
      for (long v : s.valueBits) {
        b.fixedLong(v);
      }
      target.writeInt(b.pos);
      target.write(b.a, 0, b.pos);
    }

    @Override
    public SeriesSamples deserialize(DataInputView source) throws IOException {
      byte[] a = new byte[source.readInt()];
      source.readFully(a);
      Buf b = new Buf(a);
      SeriesSamples s = new SeriesSamples();
      s.labels = new String[(int) b.readVarlong()];
      for (int i = 0; i < s.labels.length; i++) {
        int n = (int) b.readVarlong();
        s.labels[i] = new String(a, b.pos, n, StandardCharsets.UTF_8);
        b.pos += n;
      }
      int n = (int) b.readVarlong();
      s.timestamps = new long[n];
      long prev = 0;
      for (int i = 0; i < n; i++) {
        long z = b.readVarlong();
        prev += (z >>> 1) ^ -(z & 1);
        s.timestamps[i] = prev;
      }
      s.valueBits = new long[n];
      for (int i = 0; i < n; i++) {
        s.valueBits[i] = b.readFixedLong();
      }
      return s;
    }

    @Override
    public SeriesSamples deserialize(SeriesSamples reuse, DataInputView source) throws IOException {
      return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
      int n = source.readInt();
      target.writeInt(n);
      target.write(source, n);
    }

    @Override
    public TypeSerializerSnapshot<SeriesSamples> snapshotConfiguration() {
      return new SeriesSnapshot();
    }
  }

  public static final class SeriesSnapshot extends SimpleTypeSerializerSnapshot<SeriesSamples> {
    public SeriesSnapshot() {
      super(() -> Series.INSTANCE);
    }
  }

  /** A growing byte array with varint and little-endian long codecs. */
  private static final class Buf {
    byte[] a;
    int pos;

    Buf(int capacity) {
      a = new byte[capacity];
    }

    Buf(byte[] a) {
      this.a = a;
    }

    private void ensure(int n) {
      if (pos + n > a.length) {
        a = Arrays.copyOf(a, Math.max(a.length * 2, pos + n));
      }
    }

    void bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, a, pos, b.length);
      pos += b.length;
    }

    void varint(int v) {
      varlong(v & 0xffffffffL);
    }

    void varlong(long v) {
      ensure(10);
      while ((v & ~0x7fL) != 0) {
        a[pos++] = (byte) ((v & 0x7f) | 0x80);
        v >>>= 7;
      }
      a[pos++] = (byte) v;
    }

    void fixedLong(long v) {
      ensure(8);
      for (int i = 0; i < 8; i++) {
        a[pos++] = (byte) (v >>> (8 * i));
      }
    }

    long readVarlong() throws IOException {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= a.length) {
          throw new IOException("truncated series state");
        }
        byte b = a[pos++];
        v |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return v;
        }
      }
      throw new IOException("bad varint in series state");
    }

    long readFixedLong() throws IOException {
      if (pos + 8 > a.length) {
        throw new IOException("truncated series state");
      }
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v |= (a[pos++] & 0xffL) << (8 * i);
      }
      return v;
    }
  }
}
