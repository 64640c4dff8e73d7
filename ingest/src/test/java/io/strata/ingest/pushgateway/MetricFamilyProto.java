package io.strata.ingest.pushgateway;

import com.google.protobuf.CodedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Writes delimited io.prometheus.client.MetricFamily messages as a push client (client_golang's push package) sends them. */
public final class MetricFamilyProto {
  public static final String CONTENT_TYPE = "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited";

  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  /** A gauge (type 1) or counter (type 0) family with one metric; labels as name/value pairs; timestampMs < 0 for none. */
  public MetricFamilyProto simple(String name, String help, int type, double value, long timestampMs, String... labels) throws IOException {
    ByteArrayOutputStream metric = new ByteArrayOutputStream();
    CodedOutputStream m = CodedOutputStream.newInstance(metric);
    for (int i = 0; i < labels.length; i += 2) {
      m.writeByteArray(1, pair(labels[i], labels[i + 1]));
    }
    m.writeByteArray(type == 0 ? 3 : type == 1 ? 2 : 5, single(value));
    if (timestampMs >= 0) {
      m.writeInt64(6, timestampMs);
    }
    m.flush();
    return family(name, help, type, metric.toByteArray());
  }

  /** A histogram family (type 4) with one metric. */
  public MetricFamilyProto histogram(String name, String help, double[] bounds, long[] cumulative, long count, double sum, String... labels)
      throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    CodedOutputStream ho = CodedOutputStream.newInstance(h);
    ho.writeUInt64(1, count);
    ho.writeDouble(2, sum);
    for (int i = 0; i < bounds.length; i++) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      CodedOutputStream bo = CodedOutputStream.newInstance(b);
      bo.writeUInt64(1, cumulative[i]);
      bo.writeDouble(2, bounds[i]);
      bo.flush();
      ho.writeByteArray(3, b.toByteArray());
    }
    ho.flush();
    ByteArrayOutputStream metric = new ByteArrayOutputStream();
    CodedOutputStream m = CodedOutputStream.newInstance(metric);
    for (int i = 0; i < labels.length; i += 2) {
      m.writeByteArray(1, pair(labels[i], labels[i + 1]));
    }
    m.writeByteArray(7, h.toByteArray());
    m.flush();
    return family(name, help, 4, metric.toByteArray());
  }

  /** A summary family (type 2) with one metric. */
  public MetricFamilyProto summary(String name, double[] quantiles, double[] values, long count, double sum) throws IOException {
    ByteArrayOutputStream h = new ByteArrayOutputStream();
    CodedOutputStream ho = CodedOutputStream.newInstance(h);
    ho.writeUInt64(1, count);
    ho.writeDouble(2, sum);
    for (int i = 0; i < quantiles.length; i++) {
      ByteArrayOutputStream q = new ByteArrayOutputStream();
      CodedOutputStream qo = CodedOutputStream.newInstance(q);
      qo.writeDouble(1, quantiles[i]);
      qo.writeDouble(2, values[i]);
      qo.flush();
      ho.writeByteArray(3, q.toByteArray());
    }
    ho.flush();
    ByteArrayOutputStream metric = new ByteArrayOutputStream();
    CodedOutputStream m = CodedOutputStream.newInstance(metric);
    m.writeByteArray(4, h.toByteArray());
    m.flush();
    return family(name, "", 2, metric.toByteArray());
  }

  private MetricFamilyProto family(String name, String help, int type, byte[] metric) throws IOException {
    ByteArrayOutputStream fam = new ByteArrayOutputStream();
    CodedOutputStream f = CodedOutputStream.newInstance(fam);
    f.writeString(1, name);
    if (!help.isEmpty()) {
      f.writeString(2, help);
    }
    f.writeEnum(3, type);
    f.writeByteArray(4, metric);
    f.flush();
    CodedOutputStream out = CodedOutputStream.newInstance(body);
    out.writeUInt32NoTag(fam.size());
    out.writeRawBytes(fam.toByteArray());
    out.flush();
    return this;
  }

  private static byte[] pair(String n, String v) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(b);
    o.writeString(1, n);
    o.writeString(2, v);
    o.flush();
    return b.toByteArray();
  }

  private static byte[] single(double v) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    CodedOutputStream o = CodedOutputStream.newInstance(b);
    o.writeDouble(1, v);
    o.flush();
    return b.toByteArray();
  }

  public byte[] bytes() {
    return body.toByteArray();
  }
}
