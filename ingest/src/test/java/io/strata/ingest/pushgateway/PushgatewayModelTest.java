package io.strata.ingest.pushgateway;

import io.strata.schemas.prom.GoFloat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Grouping keys, body parsing, consistency checks, the series a group becomes, and the group log encoding. */
class PushgatewayModelTest {
  private static final long T0 = 1767225600000L;

  private static TextPushParser.Result text(String s) {
    return TextPushParser.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  private static PushGroup group(String path, String body) {
    GroupingKey key = GroupingKey.parse(path);
    List<PushedFamily> fams = GroupConsistency.sanitize(text(body).families(), key);
    Map<String, PushedFamily> m = new java.util.TreeMap<>();
    fams.forEach(f -> m.put(f.name(), f));
    return new PushGroup("default", key, m, Map.of(), T0, 0, true, 0);
  }

  private static Set<String> series(PushGroup g) {
    Set<String> out = new TreeSet<>();
    GroupSeries.labels(g).forEach(l -> out.add(l.toString()));
    return out;
  }

  @Test
  void groupingKeyWithBase64ValuesAndOptionalPadding() {
    assertEquals(Labels.of("job", "batch/job", "path", "/var/tmp", "empty", ""),
        GroupingKey.parse("job@base64/YmF0Y2gvam9i/path@base64/L3Zhci90bXA=/empty@base64/=").labels());
    assertEquals(Labels.of("job", "x", "a", "a"), GroupingKey.parse("job/x/a@base64/YQ").labels(), "padding optional");
    assertEquals(Labels.of("job", "x", "a", "a"), GroupingKey.parse("job/x/a@base64/YQ%3D%3D").labels(), "percent-encoded padding");
    assertEquals(Labels.of("job", "x", "e", ""), GroupingKey.parse("job/x/e@base64/").labels());
    assertEquals(Labels.of("job", "a b"), GroupingKey.parse("job/a%20b").labels());
  }

  @Test
  void badGroupingKeysAreRejectedWithThePushgatewaysMessages() {
    assertEquals("odd number of components in label string \"/instance\"",
        assertThrows(BadRequestException.class, () -> GroupingKey.parse("job/x/instance")).getMessage());
    assertEquals("improper label name \"__bad\"", assertThrows(BadRequestException.class, () -> GroupingKey.parse("job/x/__bad/v")).getMessage());
    assertEquals("improper label name \"bad-name\"", assertThrows(BadRequestException.class, () -> GroupingKey.parse("job/x/bad-name/v")).getMessage());
    assertTrue(assertThrows(BadRequestException.class, () -> GroupingKey.parse("job@base64/!!!")).getMessage().startsWith("invalid base64"));
    assertEquals("job name is required", assertThrows(BadRequestException.class, () -> GroupingKey.parse("job@base64/=")).getMessage());
  }

  @Test
  void goFloatFormattingMatchesThePushgatewaysExposition() {
    assertEquals("1", GoFloat.format(1.0));
    assertEquals("0.5", GoFloat.format(0.5));
    assertEquals("1e+06", GoFloat.format(1_000_000));
    assertEquals("100000", GoFloat.format(100_000));
    assertEquals("0.0001", GoFloat.format(0.0001));
    assertEquals("1e-05", GoFloat.format(0.00001));
    assertEquals("1.7953162804200213e+09", GoFloat.format(1.7953162804200213e9));
    assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY));
    assertEquals("-2.5", GoFloat.format(-2.5));
  }

  @Test
  void textBodyBecomesPushgatewaySeries() {
    PushGroup g = group("job/hist", """
        # TYPE lat histogram
        lat_bucket{le="0.5"} 1
        lat_bucket{le="1.0"} 2
        lat_bucket{le="1000000"} 3
        lat_sum 3
        lat_count 3
        # TYPE q summary
        q{quantile="0.50"} 1
        q_sum 2
        q_count 3
        plain{job="ignored",instance="kept"} 7
        """);
    assertEquals(new TreeSet<>(List.of(
        "lat_bucket{job=\"hist\", le=\"0.5\"}", "lat_bucket{job=\"hist\", le=\"1\"}", "lat_bucket{job=\"hist\", le=\"1e+06\"}",
        "lat_bucket{job=\"hist\", le=\"+Inf\"}", "lat_sum{job=\"hist\"}", "lat_count{job=\"hist\"}",
        "q{job=\"hist\", quantile=\"0.5\"}", "q_sum{job=\"hist\"}", "q_count{job=\"hist\"}",
        "plain{instance=\"kept\", job=\"hist\"}",
        "push_time_seconds{job=\"hist\"}", "push_failure_time_seconds{job=\"hist\"}")), series(g));
    assertEquals(MetricType.HISTOGRAM, g.families().get("lat").type());
    assertEquals(MetricType.UNKNOWN, g.families().get("plain").type());
  }

  @Test
  void groupingLabelsOverrideTheBodyAndInstanceComesFromTheKey() {
    PushGroup g = group("job/instclash/instance/right", "x_metric{instance=\"wrong\",job=\"wrong\"} 1\n");
    assertTrue(series(g).contains("x_metric{instance=\"right\", job=\"instclash\"}"), series(g).toString());
  }

  @Test
  void timestampsAreDetected() {
    assertTrue(text("x 1 1700000000000\n").hasTimestamps());
    assertFalse(text("x 1\n").hasTimestamps());
  }

  @Test
  void parseErrorsAreBadRequests() {
    assertTrue(assertThrows(BadRequestException.class, () -> text("bad metric\n")).getMessage().contains("line 1"));
    assertThrows(BadRequestException.class, () -> TextPushParser.parse("e{x=\"\u00ff\"} 1\n".getBytes(StandardCharsets.ISO_8859_1)));
  }

  @Test
  void consistencyChecks() {
    PushGroup counter = group("job/a", "# TYPE m counter\nm 1\n");
    PushGroup gauge = group("job/b", "# TYPE m gauge\nm 1\n");
    String typeClash = GroupConsistency.check(gauge, false, List.of(counter));
    assertTrue(typeClash.contains("\"m\"") && typeClash.contains("COUNTER") && typeClash.contains("GAUGE"), typeClash);
    PushGroup helpA = group("job/a", "# HELP h one\nh 1\n");
    PushGroup helpB = group("job/b", "# HELP h two\nh 1\n");
    assertNull(GroupConsistency.check(helpB, false, List.of(helpA)), "different help texts are accepted, as by the Pushgateway");
    assertTrue(GroupConsistency.check(group("job/d", "dup 1\ndup 2\n"), false, List.of()).contains("collected before"));
    assertTrue(GroupConsistency.check(group("job/t", "x 1\n"), true, List.of()).contains("must not have timestamps"));
    assertTrue(GroupConsistency.check(group("job/r", "e{__x=\"1\"} 1\n"), false, List.of()).contains("invalid name: __x"));
    PushGroup same = group("job/j/instance@base64/=", "x 1\n");
    assertTrue(GroupConsistency.check(same, false, List.of(group("job/j", "y 1\n"))).contains("collected before"),
        "{job=j, instance=\"\"} exposes the same labels as {job=j}");
  }

  @Test
  void pushedPushTimeFamiliesAreDropped() {
    assertEquals(Set.of(), group("job/p", "push_time_seconds 5\n").families().keySet());
  }

  @Test
  void protobufBodiesParseLikeText() throws Exception {
    byte[] body = new MetricFamilyProto()
        .simple("jobs_done_total", "Jobs done.", 0, 5, -1, "queue", "a")
        .histogram("lat", "", new double[] {0.5, 1}, new long[] {1, 2}, 3, 4.5)
        .summary("rpc", new double[] {0.5, 0.99}, new double[] {0.2, 0.9}, 7, 2.5)
        .bytes();
    TextPushParser.Result r = ProtobufPushParser.parse(body);
    assertFalse(r.hasTimestamps());
    assertEquals(3, r.families().size());
    PushedMetric q = r.families().get(2).metrics().get(0);
    assertEquals(MetricType.SUMMARY, r.families().get(2).type());
    assertEquals(7, q.count());
    assertEquals(2.5, q.sum());
    assertArrayEquals(new double[] {0.5, 0.99}, q.quantiles());
    assertArrayEquals(new double[] {0.2, 0.9}, q.quantileValues());
    assertEquals(MetricType.COUNTER, r.families().get(0).type());
    assertEquals("Jobs done.", r.families().get(0).help());
    PushedMetric h = r.families().get(1).metrics().get(0);
    assertEquals(3, h.count());
    assertArrayEquals(new double[] {0.5, 1}, h.upperBounds());
    assertArrayEquals(new double[] {1, 2}, h.bucketCounts());
    assertTrue(ProtobufPushParser.parse(new MetricFamilyProto().simple("g", "", 1, 1, T0).bytes()).hasTimestamps());
  }

  @Test
  void malformedProtobufIsABadRequest() {
    assertEquals("protobuf", assertThrows(BadRequestException.class, () -> ProtobufPushParser.parse(new byte[] {0x20, 0x0a, 0x01})).reason());
  }

  @Test
  void groupRecordsRoundTrip() throws Exception {
    PushGroup g = group("job@base64/YmF0Y2gvam9i/instance/i1", "# TYPE lat histogram\nlat_bucket{le=\"1\"} 1\nlat_sum 1\nlat_count 1\n"
        + "# HELP up Up.\n# TYPE up gauge\nup{a=\"ü\"} 1\n# TYPE q summary\nq{quantile=\"0.9\"} 2\nq_sum 1\nq_count 1\n");
    PushGroup withTimes = new PushGroup("team-a", g.key(), g.families(), Map.of("up", T0), T0, T0 - 5, false, 60_000);
    PushGroup back = GroupCodec.decode(GroupCodec.encode(withTimes));
    assertEquals(series(withTimes), series(back));
    assertEquals(withTimes.key(), back.key());
    assertEquals("team-a", back.tenant());
    assertEquals(T0 - 5, back.failureTimeMs());
    assertFalse(back.lastPushSuccessful());
    assertEquals(60_000, back.ttlMs());
    assertEquals("Up.", back.families().get("up").help());
    var key = GroupCodec.decodeKey(g.key().recordKey("team-a"));
    assertEquals("team-a", key.getKey());
    assertEquals(g.key(), key.getValue());
  }
}
