package io.strata.ingest.remotewrite;

import com.google.protobuf.CodedOutputStream;
import io.strata.ingest.kafka.SeriesSamples;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import org.xerial.snappy.Snappy;

/**
 * Encodes series as a remote_write 1.0 body (snappy-compressed {@code prometheus.WriteRequest}), as a
 * Prometheus server sends it. Used by the load generator and by tests that push like Prometheus does.
 */
public final class RemoteWriteV1Encoder {
  private RemoteWriteV1Encoder() {}

  public static byte[] encode(List<SeriesSamples> series) {
    return encode(series, List.of());
  }

  /** Series plus WriteRequest.metadata (field 3), as Prometheus sends metadata (usually in requests of their own). */
  public static byte[] encode(List<SeriesSamples> series, List<io.strata.ingest.exposition.FamilyMetadata> metadata) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + series.size() * 128);
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      for (SeriesSamples s : series) {
        out.writeTag(1, 2);
        out.writeUInt32NoTag(timeSeriesSize(s));
        writeTimeSeries(out, s);
      }
      for (var m : metadata) {
        ByteArrayOutputStream one = new ByteArrayOutputStream();
        CodedOutputStream mo = CodedOutputStream.newInstance(one);
        mo.writeEnum(1, RemoteWriteV2Encoder.wireType(m.type()));
        mo.writeString(2, m.name());
        mo.writeString(4, m.help());
        mo.writeString(5, m.unit());
        mo.flush();
        out.writeByteArray(3, one.toByteArray());
      }
      out.flush();
      return Snappy.compress(bytes.toByteArray());
    } catch (IOException e) {
      throw new IllegalStateException("BUG: encoding to memory failed", e);
    }
  }

  private static int labelSize(String name, String value) {
    return CodedOutputStream.computeStringSize(1, name) + CodedOutputStream.computeStringSize(2, value);
  }

  private static int sampleSize(double v, long t) {
    return CodedOutputStream.computeDoubleSize(1, v) + CodedOutputStream.computeInt64Size(2, t);
  }

  private static int timeSeriesSize(SeriesSamples s) {
    int size = 0;
    for (int i = 0; i < s.labels().size(); i++) {
      int l = labelSize(s.labels().name(i), s.labels().value(i));
      size += CodedOutputStream.computeTagSize(1) + CodedOutputStream.computeUInt32SizeNoTag(l) + l;
    }
    for (int i = 0; i < s.count(); i++) {
      int l = sampleSize(s.values()[i], s.timestamps()[i]);
      size += CodedOutputStream.computeTagSize(2) + CodedOutputStream.computeUInt32SizeNoTag(l) + l;
    }
    return size;
  }

  private static void writeTimeSeries(CodedOutputStream out, SeriesSamples s) throws IOException {
    for (int i = 0; i < s.labels().size(); i++) {
      out.writeTag(1, 2);
      out.writeUInt32NoTag(labelSize(s.labels().name(i), s.labels().value(i)));
      out.writeString(1, s.labels().name(i));
      out.writeString(2, s.labels().value(i));
    }
    for (int i = 0; i < s.count(); i++) {
      out.writeTag(2, 2);
      out.writeUInt32NoTag(sampleSize(s.values()[i], s.timestamps()[i]));
      out.writeDouble(1, s.values()[i]);
      out.writeInt64(2, s.timestamps()[i]);
    }
  }
}
