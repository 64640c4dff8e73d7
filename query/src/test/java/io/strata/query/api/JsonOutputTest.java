package io.strata.query.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.strata.promql.engine.Matrix;
import io.strata.promql.engine.Series;
import io.strata.schemas.model.Labels;
import java.io.IOException;
import java.io.StringWriter;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A matrix's points, formatted straight into one raw value, read exactly as Prometheus writes them token by token. */
class JsonOutputTest {
  private static final JsonFactory JSON = new JsonFactory();

  @Test
  void matrixPointsAreWhatPerTokenWritingGives() throws IOException {
    SplittableRandom r = new SplittableRandom(7);
    double[] edge = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0, 0.0, 1e-7, 123456789.25, -2.5e21,
        8554119168.0, 0x1p53, 0x1p53 + 2, -0x1p53, Double.MIN_VALUE, Double.MAX_VALUE, 0.1 + 0.2};
    long[] tsEdge = {0, 1, -1, -1_500, 1_767_225_600_007L, 1_767_225_600_120L, 1_767_225_600_500L, 1_767_225_600_000L};
    int n = 2_000;
    long[] ts = new long[n];
    double[] vs = new double[n];
    for (int i = 0; i < n; i++) {
      ts[i] = i < tsEdge.length ? tsEdge[i] : 1_767_225_600_000L + r.nextLong(86_400_000L);
      vs[i] = i < edge.length ? edge[i] : switch (i % 3) {
        case 0 -> Double.longBitsToDouble(r.nextLong());
        case 1 -> r.nextInt(1_000_000) / 100.0;
        default -> (double) r.nextLong(1L << 60);
      };
    }
    Matrix m = new Matrix(List.of(new Series(Labels.of("__name__", "x", "a", "q\"uote"), ts, vs), new Series(Labels.of("b", "1"), new long[0], new double[0])));

    StringWriter fast = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(fast)) {
      JsonOutput.writeValue(g, m);
    }
    StringWriter slow = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(slow)) {
      g.writeStartObject();
      g.writeStringField("resultType", "matrix");
      g.writeFieldName("result");
      g.writeStartArray();
      for (Series s : m.series()) {
        g.writeStartObject();
        g.writeFieldName("metric");
        JsonOutput.writeLabels(g, s.labels());
        g.writeArrayFieldStart("values");
        for (int i = 0; i < s.size(); i++) {
          JsonOutput.writePoint(g, s.timestamps()[i], s.values()[i]);
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    assertEquals(slow.toString(), fast.toString());
  }
}
