package io.strata.ingest.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.strata.ingest.exposition.FamilyMetadata;
import io.strata.ingest.exposition.MetricType;
import io.strata.ingest.kafka.SeriesSamples;
import io.strata.ingest.remotewrite.BadRequestException;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class OtlpTranslatorTest {
  private static final long T0_NANOS = 1767225600000L * 1_000_000L;
  private static final long T0 = 1767225600000L;

  private static Map<String, SeriesSamples> byLabels(OtlpTranslator.Result r) {
    Map<String, SeriesSamples> m = new TreeMap<>();
    r.series().forEach(s -> m.put(s.labels().toString(), s));
    return m;
  }

  @Test
  void namesFollowPrometheusNormalisation() {
    assertEquals("http_server_request_duration_seconds", OtlpNames.metricName("http.server.request.duration", "s", false, false));
    assertEquals("system_network_io_bytes_total", OtlpNames.metricName("system.network.io", "By", true, false));
    assertEquals("requests_total", OtlpNames.metricName("requests.total", "{request}", true, false), "_total moves to the end once");
    assertEquals("cpu_utilization_ratio", OtlpNames.metricName("cpu.utilization", "1", false, true));
    assertEquals("queue_length", OtlpNames.metricName("queue.length", "1", false, false), "unit 1 adds ratio to gauges only");
    assertEquals("throughput_bytes_per_second", OtlpNames.metricName("throughput", "By/s", false, true));
    assertEquals("_2xx_responses", OtlpNames.metricName("2xx.responses", "", false, true));
    assertEquals("key_0abc", OtlpNames.labelName("0abc"));
    assertEquals("key_private", OtlpNames.labelName("_private"));
    assertEquals("http_method", OtlpNames.labelName("http.method"));
  }

  @Test
  void resourceAttributesBecomeJobInstanceAndTargetInfo() throws Exception {
    byte[] body = new OtlpRequests("service.name", "checkout", "service.namespace", "shop", "service.instance.id", "pod-1",
        "host.name", "node-7", "deployment.environment", "prod")
        .gauge("memory.used", "By", T0_NANOS, 42, "state", "used", "http.method", "GET")
        .bytes();
    OtlpTranslator.Result r = OtlpTranslator.translate(OtlpProtobufDecoder.decode(body), 1000);
    Map<String, SeriesSamples> s = byLabels(r);
    assertEquals(2, s.size(), s.keySet().toString());
    SeriesSamples used = s.get(Labels.of("__name__", "memory_used_bytes", "http_method", "GET", "instance", "pod-1", "job", "shop/checkout",
        "state", "used").toString());
    assertEquals(42.0, used.values()[0]);
    assertEquals(T0, used.timestamps()[0]);
    assertTrue(s.containsKey(Labels.of("__name__", "target_info", "deployment_environment", "prod", "host_name", "node-7",
        "instance", "pod-1", "job", "shop/checkout").toString()), s.keySet().toString());
    assertTrue(r.metadata().contains(new FamilyMetadata("memory_used_bytes", MetricType.GAUGE, "help of memory.used", "bytes")), r.metadata().toString());
  }

  @Test
  void cumulativeMonotonicSumIsACounterAndNoRecordedValueIsStale() throws Exception {
    byte[] body = new OtlpRequests("service.name", "api")
        .sum("http.requests", "{request}", true, 2, T0_NANOS, 10, 0, "code", "200")
        .sum("queue.size", "", false, 2, T0_NANOS, 3, 1)
        .bytes();
    Map<String, SeriesSamples> s = byLabels(OtlpTranslator.translate(OtlpProtobufDecoder.decode(body), 1000));
    assertEquals(10.0, s.get(Labels.of("__name__", "http_requests_total", "code", "200", "job", "api").toString()).values()[0]);
    assertEquals(StaleMarker.BITS, Double.doubleToRawLongBits(s.get(Labels.of("__name__", "queue_size", "job", "api").toString()).values()[0]));
  }

  @Test
  void classicHistogramBecomesBucketSumCount() throws Exception {
    byte[] body = new OtlpRequests("service.name", "api")
        .histogram("http.server.duration", "ms", 2, T0_NANOS, new double[] {5, 10}, new long[] {1, 2, 3}, 55.5, "route", "/")
        .bytes();
    Map<String, SeriesSamples> s = byLabels(OtlpTranslator.translate(OtlpProtobufDecoder.decode(body), 1000));
    String n = "http_server_duration_milliseconds";
    assertEquals(1.0, s.get(Labels.of("__name__", n + "_bucket", "job", "api", "le", "5", "route", "/").toString()).values()[0]);
    assertEquals(3.0, s.get(Labels.of("__name__", n + "_bucket", "job", "api", "le", "10", "route", "/").toString()).values()[0]);
    assertEquals(6.0, s.get(Labels.of("__name__", n + "_bucket", "job", "api", "le", "+Inf", "route", "/").toString()).values()[0]);
    assertEquals(55.5, s.get(Labels.of("__name__", n + "_sum", "job", "api", "route", "/").toString()).values()[0]);
    assertEquals(6.0, s.get(Labels.of("__name__", n + "_count", "job", "api", "route", "/").toString()).values()[0]);
  }

  @Test
  void deltaTemporalityIsRefusedAsPartialSuccess() throws Exception {
    byte[] body = new OtlpRequests("service.name", "api")
        .sum("http.requests", "", true, 1, T0_NANOS, 10, 0)
        .histogram("latency", "s", 1, T0_NANOS, new double[] {1}, new long[] {1, 1}, 2)
        .gauge("up", "", T0_NANOS, 1)
        .bytes();
    OtlpTranslator.Result r = OtlpTranslator.translate(OtlpProtobufDecoder.decode(body), 1000);
    assertEquals(2, r.rejectedPoints());
    assertTrue(r.errorMessage().contains("delta temporality"), r.errorMessage());
    assertEquals(List.of(Labels.of("__name__", "up", "job", "api")), r.series().stream().map(SeriesSamples::labels).toList());
  }

  @Test
  void jsonDecodesLikeProtobuf() throws Exception {
    String json = """
        {"resourceMetrics":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"api"}}]},
         "scopeMetrics":[{"scope":{"name":"x"},"metrics":[
          {"name":"http.requests","unit":"{request}","sum":{"aggregationTemporality":2,"isMonotonic":true,
            "dataPoints":[{"attributes":[{"key":"code","value":{"intValue":"200"}}],"timeUnixNano":"%d","asInt":"10"}]}},
          {"name":"latency","unit":"s","histogram":{"aggregationTemporality":2,
            "dataPoints":[{"timeUnixNano":"%d","count":"3","sum":1.5,"bucketCounts":["1","2"],"explicitBounds":[0.5]}]}}]}]}]}
        """.formatted(T0_NANOS, T0_NANOS);
    Map<String, SeriesSamples> s = byLabels(OtlpTranslator.translate(OtlpJsonDecoder.decode(json.getBytes(StandardCharsets.UTF_8)), 1000));
    assertEquals(10.0, s.get(Labels.of("__name__", "http_requests_total", "code", "200", "job", "api").toString()).values()[0]);
    assertEquals(1.0, s.get(Labels.of("__name__", "latency_seconds_bucket", "job", "api", "le", "0.5").toString()).values()[0]);
    assertEquals(T0, s.get(Labels.of("__name__", "latency_seconds_count", "job", "api").toString()).timestamps()[0]);
  }

  @Test
  void malformedBodiesAreBadRequests() {
    assertEquals("protobuf", assertThrows(BadRequestException.class, () -> OtlpProtobufDecoder.decode(new byte[] {0x0a, 0x7f, 0x01})).reason());
    assertEquals("json", assertThrows(BadRequestException.class, () -> OtlpJsonDecoder.decode("{\"resourceMetrics\":[".getBytes())).reason());
  }

  @Test
  void seriesLimitIsEnforced() throws Exception {
    byte[] body = new OtlpRequests("service.name", "api")
        .histogram("latency", "s", 2, T0_NANOS, new double[] {1, 2, 3}, new long[] {1, 1, 1, 1}, 2).bytes();
    assertEquals("too_many_series", assertThrows(BadRequestException.class,
        () -> OtlpTranslator.translate(OtlpProtobufDecoder.decode(body), 3)).reason());
  }
}
