package io.strata.sinks.alertmanager;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * One alert as Alertmanager's {@code POST /api/v2/alerts} takes it ({@code PostableAlert}): labels,
 * annotations, {@code startsAt}, {@code endsAt}, {@code generatorURL}.
 */
public record PostableAlert(SortedMap<String, String> labels, SortedMap<String, String> annotations, Instant startsAt, Instant endsAt,
    String generatorUrl) {

  /** Go's strfmt.DateTime text: RFC 3339 with milliseconds, UTC as {@code Z} ({@code 2026-01-01T00:00:00.000Z}). */
  static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  /** The JSON array of a batch, as Prometheus's notifier sends it (generatorURL left out when empty). */
  public static byte[] toJson(List<PostableAlert> batch) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 * batch.size() + 2);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartArray();
      for (PostableAlert a : batch) {
        g.writeStartObject();
        writeMap(g, "annotations", a.annotations);
        g.writeStringField("endsAt", TIME.format(a.endsAt));
        g.writeStringField("startsAt", TIME.format(a.startsAt));
        if (!a.generatorUrl.isEmpty()) {
          g.writeStringField("generatorURL", a.generatorUrl);
        }
        writeMap(g, "labels", a.labels);
        g.writeEndObject();
      }
      g.writeEndArray();
    } catch (IOException e) {
      throw new UncheckedIOException("BUG: writing JSON to memory failed", e);
    }
    return out.toByteArray();
  }

  private static void writeMap(JsonGenerator g, String field, Map<String, String> m) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : m.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }
}
