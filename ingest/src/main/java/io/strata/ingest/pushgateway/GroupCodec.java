package io.strata.ingest.pushgateway;

import io.strata.ingest.exposition.MetricType;
import io.strata.schemas.model.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value of a group record on the compacted group log ({@code <prefix>metrics.pushgateway}); a null
 * value (tombstone) is a deleted group. Layout, big-endian ({@link DataOutputStream}):
 *
 * <pre>
 * magic "SPGW" | version u8 = 1
 * tenant str | grouping key: n u32, (name str, value str)*n
 * push_time_ms i64 | failure_time_ms i64 | last_push_successful u8 | ttl_ms i64
 * families n u32, per family: name str | type u8 (client_model numbers: COUNTER 0, GAUGE 1, SUMMARY 2, UNTYPED 3, HISTOGRAM 4, GAUGE_HISTOGRAM 5) | help str | pushed_at_ms i64 |
 *   metrics n u32, per metric: labels n u32 (name str, value str)* | value f64 | sum f64 | count f64 |
 *   quantiles n u32 (q f64, v f64)* | buckets n u32 (upper_bound f64, cumulative_count f64)*
 * str = length u32 + UTF-8 bytes
 * </pre>
 *
 * The record key is {@link GroupingKey#recordKey(String)}: tenant and labels as LEB128-length strings.
 */
public final class GroupCodec {
  private static final byte[] MAGIC = {'S', 'P', 'G', 'W'};
  private static final int VERSION = 1;

  private GroupCodec() {}

  public static byte[] encode(PushGroup g) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.write(MAGIC);
      out.writeByte(VERSION);
      str(out, g.tenant());
      labels(out, g.key().labels());
      out.writeLong(g.pushTimeMs());
      out.writeLong(g.failureTimeMs());
      out.writeByte(g.lastPushSuccessful() ? 1 : 0);
      out.writeLong(g.ttlMs());
      out.writeInt(g.families().size());
      for (PushedFamily f : g.families().values()) {
        str(out, f.name());
        out.writeByte(typeCode(f.type()));
        str(out, f.help());
        out.writeLong(g.familyTimesMs().getOrDefault(f.name(), g.pushTimeMs()));
        out.writeInt(f.metrics().size());
        for (PushedMetric m : f.metrics()) {
          labels(out, m.labels());
          out.writeDouble(m.value());
          out.writeDouble(m.sum());
          out.writeDouble(m.count());
          pairs(out, m.quantiles(), m.quantileValues());
          pairs(out, m.upperBounds(), m.bucketCounts());
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("BUG: writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  public static PushGroup decode(byte[] value) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
    byte[] magic = in.readNBytes(4);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new IOException("not a Pushgateway group record (magic " + java.util.Arrays.toString(magic) + ")");
    }
    int version = in.readUnsignedByte();
    if (version != VERSION) {
      throw new IOException("Pushgateway group record version " + version + " is not supported (expected " + VERSION + ")");
    }
    String tenant = str(in);
    GroupingKey key = new GroupingKey(labels(in));
    long push = in.readLong();
    long failure = in.readLong();
    boolean ok = in.readUnsignedByte() == 1;
    long ttl = in.readLong();
    int nf = in.readInt();
    Map<String, PushedFamily> families = new LinkedHashMap<>();
    Map<String, Long> times = new LinkedHashMap<>();
    for (int i = 0; i < nf; i++) {
      String name = str(in);
      MetricType type = typeOf(in.readUnsignedByte(), name);
      String help = str(in);
      times.put(name, in.readLong());
      int nm = in.readInt();
      List<PushedMetric> metrics = new ArrayList<>(nm);
      for (int j = 0; j < nm; j++) {
        Labels l = labels(in);
        double v = in.readDouble();
        double sum = in.readDouble();
        double count = in.readDouble();
        double[][] q = pairs(in);
        double[][] b = pairs(in);
        metrics.add(new PushedMetric(l, v, sum, count, q[0], q[1], b[0], b[1]));
      }
      families.put(name, new PushedFamily(name, type, help, metrics));
    }
    return new PushGroup(tenant, key, families, times, push, failure, ok, ttl);
  }

  /** The tenant and grouping key of a record key (needed for tombstones, whose value is null). */
  public static Map.Entry<String, GroupingKey> decodeKey(byte[] key) throws IOException {
    int[] pos = {0};
    String tenant = leb128String(key, pos);
    List<String> nv = new ArrayList<>();
    while (pos[0] < key.length) {
      nv.add(leb128String(key, pos));
    }
    if (nv.size() % 2 != 0) {
      throw new IOException("group record key has an odd number of label strings");
    }
    return Map.entry(tenant, new GroupingKey(Labels.of(nv.toArray(String[]::new))));
  }

  private static String leb128String(byte[] b, int[] pos) throws IOException {
    int n = 0;
    int shift = 0;
    while (true) {
      if (pos[0] >= b.length) {
        throw new IOException("truncated group record key");
      }
      int x = b[pos[0]++] & 0xff;
      n |= (x & 0x7f) << shift;
      if ((x & 0x80) == 0) {
        break;
      }
      shift += 7;
      if (shift > 28) {
        throw new IOException("bad length in group record key");
      }
    }
    if (n < 0 || pos[0] + n > b.length) {
      throw new IOException("truncated group record key");
    }
    String s = new String(b, pos[0], n, StandardCharsets.UTF_8);
    pos[0] += n;
    return s;
  }

  static int typeCode(MetricType t) {
    return switch (t) {
      case COUNTER -> 0;
      case GAUGE -> 1;
      case SUMMARY -> 2;
      case HISTOGRAM -> 4;
      case GAUGEHISTOGRAM -> 5;
      default -> 3;
    };
  }

  static MetricType typeOf(int code, String family) throws IOException {
    return switch (code) {
      case 0 -> MetricType.COUNTER;
      case 1 -> MetricType.GAUGE;
      case 2 -> MetricType.SUMMARY;
      case 3 -> MetricType.UNKNOWN;
      case 4 -> MetricType.HISTOGRAM;
      case 5 -> MetricType.GAUGEHISTOGRAM;
      default -> throw new IOException("family " + family + " has unknown type code " + code);
    };
  }

  private static void str(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String str(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("string length " + n + " exceeds the record");
    }
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  private static void labels(DataOutputStream out, Labels l) throws IOException {
    out.writeInt(l.size());
    for (int i = 0; i < l.size(); i++) {
      str(out, l.name(i));
      str(out, l.value(i));
    }
  }

  private static Labels labels(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new IOException("label count " + n + " exceeds the record");
    }
    String[] nv = new String[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      nv[i] = str(in);
    }
    return Labels.of(nv);
  }

  private static void pairs(DataOutputStream out, double[] a, double[] b) throws IOException {
    out.writeInt(a.length);
    for (int i = 0; i < a.length; i++) {
      out.writeDouble(a[i]);
      out.writeDouble(b[i]);
    }
  }

  private static double[][] pairs(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > in.available() / 16) {
      throw new IOException("pair count " + n + " exceeds the record");
    }
    double[] a = new double[n];
    double[] b = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = in.readDouble();
      b[i] = in.readDouble();
    }
    return new double[][] {a, b};
  }
}
