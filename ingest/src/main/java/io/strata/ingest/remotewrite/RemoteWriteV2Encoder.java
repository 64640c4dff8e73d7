package io.strata.ingest.remotewrite;

import com.google.protobuf.CodedOutputStream;
import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SeriesSamples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * Encodes series as a remote_write 2.0 body (snappy-compressed {@code io.prometheus.write.v2.Request}):
 * a symbols table starting with the empty string, label references, samples, and per-series metadata for
 * series whose family has an entry in {@code metadata}. Used by tests and the load generator.
 */
public final class RemoteWriteV2Encoder {
  private RemoteWriteV2Encoder() {}

  public static byte[] encode(List<SeriesSamples> series, List<FamilyMetadata> metadata) {
    Map<String, Integer> refs = new HashMap<>();
    List<String> symbols = new java.util.ArrayList<>();
    symbols.add("");
    refs.put("", 0);
    Map<String, FamilyMetadata> byFamily = new HashMap<>();
    metadata.forEach(m -> byFamily.put(m.name(), m));
    try {
      ByteArrayOutputStream seriesBytes = new ByteArrayOutputStream();
      CodedOutputStream out = CodedOutputStream.newInstance(seriesBytes);
      for (SeriesSamples s : series) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        CodedOutputStream ts = CodedOutputStream.newInstance(one);
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        CodedOutputStream p = CodedOutputStream.newInstance(packed);
        for (int i = 0; i < s.labels().size(); i++) {
          p.writeUInt32NoTag(ref(refs, symbols, s.labels().name(i)));
          p.writeUInt32NoTag(ref(refs, symbols, s.labels().value(i)));
        }
        p.flush();
        ts.writeByteArray(1, packed.toByteArray());
        for (int i = 0; i < s.count(); i++) {
          ByteArrayOutputStream sample = new ByteArrayOutputStream();
          CodedOutputStream so = CodedOutputStream.newInstance(sample);
          so.writeDouble(1, s.values()[i]);
          so.writeInt64(2, s.timestamps()[i]);
          so.flush();
          ts.writeByteArray(2, sample.toByteArray());
        }
        FamilyMetadata m = familyOf(byFamily, s.labels().metricName());
        if (m != null) {
          ByteArrayOutputStream meta = new ByteArrayOutputStream();
          CodedOutputStream mo = CodedOutputStream.newInstance(meta);
          mo.writeEnum(1, wireType(m.type()));
          mo.writeUInt32(3, ref(refs, symbols, m.help()));
          mo.writeUInt32(4, ref(refs, symbols, m.unit()));
          mo.flush();
          ts.writeByteArray(5, meta.toByteArray());
        }
        ts.flush();
        out.writeByteArray(5, one.toByteArray());
      }
      out.flush();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      CodedOutputStream r = CodedOutputStream.newInstance(request);
      for (String sym : symbols) {
        r.writeString(4, sym);
      }
      r.flush();
      request.write(seriesBytes.toByteArray());
      return Snappy.compress(request.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("BUG: encoding to memory failed", e);
    }
  }

  private static FamilyMetadata familyOf(Map<String, FamilyMetadata> byFamily, String metric) {
    FamilyMetadata m = byFamily.get(metric);
    if (m != null) {
      return m;
    }
    for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
      if (metric.endsWith(suffix)) {
        m = byFamily.get(metric.substring(0, metric.length() - suffix.length()));
        if (m != null) {
          return m;
        }
      }
    }
    return null;
  }

  private static int ref(Map<String, Integer> refs, List<String> symbols, String s) {
    Integer r = refs.get(s);
    if (r == null) {
      r = symbols.size();
      symbols.add(s);
      refs.put(s, r);
    }
    return r;
  }

  static int wireType(MetricType t) {
    return switch (t) {
      case COUNTER -> 1;
      case GAUGE -> 2;
      case HISTOGRAM -> 3;
      case GAUGEHISTOGRAM -> 4;
      case SUMMARY -> 5;
      case INFO -> 6;
      case STATESET -> 7;
      case UNKNOWN -> 0;
    };
  }
}
