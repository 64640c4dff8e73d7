package io.strata.ingest.otlp;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Builds ExportMetricsServiceRequest protobuf bodies the way an OpenTelemetry SDK exports them. */
public final class OtlpRequests {
  private final ByteArrayOutputStream metrics = new ByteArrayOutputStream();
  private final String[] resourceAttrs;

  public OtlpRequests(String... resourceAttrs) {
    this.resourceAttrs = resourceAttrs;
  }

  private interface Body {
    void write(CodedOutputStream o) throws IOException;
  }

  private static byte[] msg(Body b) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(bytes);
    b.write(o);
    o.flush();
    return bytes.toByteArray();
  }

  private static byte[] kv(String k, String v) throws IOException {
    return msg(o -> {
      o.writeString(1, k);
      o.writeByteArray(2, msg(a -> a.writeString(1, v)));
    });
  }

  private static void attrs(CodedOutputStream o, int field, String... kvs) throws IOException {
    for (int i = 0; i < kvs.length; i += 2) {
      o.writeByteArray(field, kv(kvs[i], kvs[i + 1]));
    }
  }

  private void metric(String name, String unit, int dataField, byte[] data) throws IOException {
    CodedOutputStream o = CodedOutputStream.newInstance(metrics);
    o.writeByteArray(2, msg(m -> {
      m.writeString(1, name);
      m.writeString(2, "help of " + name);
      m.writeString(3, unit);
      m.writeByteArray(dataField, data);
    }));
    o.flush();
  }

  private static byte[] numberPoint(long timeNanos, double value, int flags, String... attrs) throws IOException {
    return msg(p -> {
      attrs(p, 7, attrs);
      p.writeFixed64(3, timeNanos);
      p.writeDouble(4, value);
      if (flags != 0) {
        p.writeUInt32(8, flags);
      }
    });
  }

  public OtlpRequests gauge(String name, String unit, long timeNanos, double value, String... attrs) throws IOException {
    byte[] point = numberPoint(timeNanos, value, 0, attrs);
    metric(name, unit, 5, msg(g -> g.writeByteArray(1, point)));
    return this;
  }

  /** temporality: 1 delta, 2 cumulative. */
  public OtlpRequests sum(String name, String unit, boolean monotonic, int temporality, long timeNanos, double value, int flags, String... attrs)
      throws IOException {
    byte[] point = numberPoint(timeNanos, value, flags, attrs);
    metric(name, unit, 7, msg(s -> {
      s.writeByteArray(1, point);
      s.writeEnum(2, temporality);
      s.writeBool(3, monotonic);
    }));
    return this;
  }

  public OtlpRequests histogram(String name, String unit, int temporality, long timeNanos, double[] bounds, long[] counts, double sum,
      String... attrs) throws IOException {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    long count = total;
    byte[] point = msg(p -> {
      attrs(p, 9, attrs);
      p.writeFixed64(3, timeNanos);
      p.writeFixed64(4, count);
      p.writeDouble(5, sum);
      ByteArrayOutputStream packedCounts = new ByteArrayOutputStream();
      CodedOutputStream pc = CodedOutputStream.newInstance(packedCounts);
      for (long c : counts) {
        pc.writeFixed64NoTag(c);
      }
      pc.flush();
      p.writeByteArray(6, packedCounts.toByteArray());
      ByteArrayOutputStream packedBounds = new ByteArrayOutputStream();
      CodedOutputStream pb = CodedOutputStream.newInstance(packedBounds);
      for (double b : bounds) {
        pb.writeDoubleNoTag(b);
      }
      pb.flush();
      p.writeByteArray(7, packedBounds.toByteArray());
    });
    metric(name, unit, 9, msg(h -> {
      h.writeByteArray(1, point);
      h.writeEnum(2, temporality);
    }));
    return this;
  }

  public byte[] bytes() throws IOException {
    byte[] resource = msg(r -> attrs(r, 1, resourceAttrs));
    byte[] scope = msg(s -> {
      s.writeByteArray(1, msg(i -> i.writeString(1, "io.strata.test")));
      s.writeRawBytes(metrics.toByteArray());
    });
    byte[] rm = msg(r -> {
      r.writeByteArray(1, resource);
      r.writeByteArray(2, scope);
    });
    return msg(req -> req.writeByteArray(1, rm));
  }
}
