package io.strata.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.strata.promql.ast.GoFormat;
import io.strata.promql.engine.Matrix;
import io.strata.promql.engine.Sample;
import io.strata.promql.engine.Scalar;
import io.strata.promql.engine.Series;
import io.strata.promql.engine.StringValue;
import io.strata.promql.engine.Value;
import io.strata.promql.engine.Vector;
import io.strata.schemas.model.Labels;
import io.strata.schemas.prom.GoFloat;
import java.io.IOException;
import java.util.Collection;

/**
 * Prometheus's JSON shapes: a value as {@code [<unix seconds>, "<Go 'f' float>"]}, label sets as objects
 * with names sorted, results as {@code {"resultType": ..., "result": ...}}.
 */
final class JsonOutput {
  private JsonOutput() {}

  static void writeValue(JsonGenerator g, Value v) throws IOException {
    g.writeStartObject();
    g.writeStringField("resultType", v.resultType());
    g.writeFieldName("result");
    if (v instanceof Scalar sc) {
      writePoint(g, sc.timestampMs(), sc.value());
    } else if (v instanceof StringValue sv) {
      g.writeStartArray();
      g.writeNumber(Params.formatTimestamp(sv.timestampMs()));
      g.writeString(sv.value());
      g.writeEndArray();
    } else if (v instanceof Vector vec) {
      g.writeStartArray();
      for (Sample s : vec.samples()) {
        g.writeStartObject();
        g.writeFieldName("metric");
        writeLabels(g, s.labels());
        g.writeFieldName("value");
        writePoint(g, s.timestampMs(), s.value());
        g.writeEndObject();
      }
      g.writeEndArray();
    } else if (v instanceof Matrix m) {
      StringBuilder points = new StringBuilder(4096);
      g.writeStartArray();
      for (Series s : m.series()) {
        g.writeStartObject();
        g.writeFieldName("metric");
        writeLabels(g, s.labels());
        g.writeArrayFieldStart("values");
        writePoints(g, s.timestamps(), s.values(), s.size(), points);
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    } else {
      throw new IllegalStateException("BUG: unknown result type " + v.getClass());
    }
    g.writeEndObject();
  }

  static void writeLabels(JsonGenerator g, Labels l) throws IOException {
    g.writeStartObject();
    for (int i = 0; i < l.size(); i++) {
      g.writeStringField(l.name(i), l.value(i));
    }
    g.writeEndObject();
  }

  /**
   * A series' points, {@code [t,"v"],[t,"v"],...}, as one raw value: timestamps and values are digits, signs,
   * points and {@code NaN}/{@code Inf}, which JSON never escapes, so they are formatted straight into
   * {@code buf} (no String per number, no generator call per token: most of a large matrix's JSON time).
   */
  static void writePoints(JsonGenerator g, long[] ts, double[] vs, int n, StringBuilder buf) throws IOException {
    if (n == 0) {
      return;
    }
    buf.setLength(0);
    for (int i = 0; i < n; i++) {
      if (i > 0) {
        buf.append(',');
      }
      Params.appendTimestamp(buf.append('['), ts[i]).append(",\"");
      GoFloat.appendPlain(buf, vs[i]).append("\"]");
    }
    g.writeRawValue(buf.toString());
  }

  static void writePoint(JsonGenerator g, long t, double v) throws IOException {
    g.writeStartArray();
    g.writeNumber(Params.formatTimestamp(t));
    g.writeString(GoFormat.plain(v));
    g.writeEndArray();
  }

  /** A JSON array of at most {@code limit} strings, in the collection's order. */
  static DataWriter stringArray(Collection<String> items, int limit) {
    return g -> {
      g.writeStartArray();
      int n = 0;
      for (String s : items) {
        if (n++ >= limit) {
          break;
        }
        g.writeString(s);
      }
      g.writeEndArray();
    };
  }
}
