package io.strata.ingest.server;

import io.strata.schemas.prom.PromDuration;

import io.strata.ingest.kafka.SeriesCheck;
import io.strata.ingest.pushgateway.GroupConsistency;
import io.strata.ingest.pushgateway.GroupSeries;
import io.strata.ingest.pushgateway.GroupingKey;
import io.strata.ingest.pushgateway.GroupsJson;
import io.strata.ingest.pushgateway.ProtobufPushParser;
import io.strata.ingest.pushgateway.PushGroup;
import io.strata.ingest.pushgateway.PushedFamily;
import io.strata.ingest.pushgateway.PushgatewayStore;
import io.strata.ingest.pushgateway.TextPushParser;
import io.strata.ingest.remotewrite.BadRequestException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.util.Fields;

/**
 * The Pushgateway API on the ingest port: {@code PUT|POST|DELETE /metrics/job/<job>{/<label>/<value>}}
 * (text 0.0.4 or delimited protobuf bodies, gzip allowed) and {@code GET /api/v1/metrics}. Status codes are
 * the Pushgateway 1.5's: 200 for an accepted PUT/POST, 202 for DELETE (also of a missing group), 400 for
 * bad or inconsistent input, 405 for other methods; plus Strata's 503 + Retry-After when Kafka did not
 * acknowledge. Beyond the Pushgateway: a TTL per group, from the {@code ttl} query parameter or the
 * {@value #TTL_HEADER} header (a Prometheus duration such as {@code 10m}; {@code 0} removes it).
 */
final class PushgatewayHandler {
  static final String TTL_HEADER = "X-Strata-Push-TTL";
  static final String PROTOBUF_MEDIA_TYPE = "application/vnd.google.protobuf";

  private final PushPipeline pipeline;
  private final PushgatewayStore store;

  PushgatewayHandler(PushPipeline pipeline, PushgatewayStore store) {
    this.pipeline = pipeline;
    this.store = store;
  }

  /** {@code GET /api/v1/metrics}. */
  void list(Exchange ex) {
    if (!ex.request.getMethod().equals("GET")) {
      ex.replyText(405, "Method Not Allowed\n");
      return;
    }
    String tenant;
    try {
      tenant = pipeline.tenant(ex);
    } catch (BadRequestException e) {
      pipeline.reject(ex, e);
      return;
    }
    ex.reply(200, "application/json", GroupsJson.render(store.groups(tenant)));
  }

  /** {@code /metrics/job/...}: {@code rawPath} is the part after {@code /metrics/}, still percent-encoded. */
  void handle(Exchange ex, String rawPath) {
    String method = ex.request.getMethod();
    if (!method.equals("PUT") && !method.equals("POST") && !method.equals("DELETE")) {
      ex.setHeader("Allow", "PUT, POST, DELETE");
      ex.replyText(405, "Method Not Allowed\n");
      return;
    }
    GroupingKey key;
    Long ttl;
    try {
      key = GroupingKey.parse(rawPath);
      ttl = ttl(ex);
    } catch (BadRequestException e) {
      pipeline.reject(ex, e);
      return;
    }
    if (method.equals("DELETE")) {
      String tenant;
      try {
        tenant = pipeline.tenant(ex);
      } catch (BadRequestException e) {
        pipeline.reject(ex, e);
        return;
      }
      store.delete(tenant, key).thenAccept(o -> answer(ex, o));
      return;
    }
    boolean replace = method.equals("PUT");
    String contentType = ex.header("Content-Type");
    boolean protobuf = contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(PROTOBUF_MEDIA_TYPE);
    pipeline.readBody(ex, (tenant, body) -> {
      byte[] raw = Bodies.decode(body, ex.header("Content-Encoding"), pipeline.cfg.maxDecompressedBytes());
      TextPushParser.Result parsed = protobuf ? ProtobufPushParser.parse(raw) : TextPushParser.parse(raw);
      int metrics = 0;
      for (PushedFamily f : parsed.families()) {
        metrics += f.metrics().size();
      }
      if (metrics > pipeline.cfg.maxSeriesPerRequest()) {
        throw new BadRequestException("too_many_series", "push has " + metrics + " metrics, more than the limit of "
            + pipeline.cfg.maxSeriesPerRequest() + " (ingest.max_series_per_request)");
      }
      checkLimits(tenant, key, parsed);
      store.push(tenant, key, replace, parsed, ttl).thenAccept(o -> answer(ex, o));
    });
  }

  /**
   * The tenant's label limits on every series the pushed metrics will be emitted as (grouping labels,
   * {@code le}/{@code quantile} and suffixes included); throws {@link BadRequestException}. Pushes carry no
   * timestamps (they are refused) and are not rate limited: the emission, not the push, writes samples.
   */
  private void checkLimits(String tenant, GroupingKey key, TextPushParser.Result parsed) {
    SeriesCheck check = pipeline.limits.forRequest(tenant);
    Map<String, PushedFamily> families = new TreeMap<>();
    for (PushedFamily f : GroupConsistency.sanitize(parsed.families(), key)) {
      families.put(f.name(), f);
    }
    PushGroup pushed = new PushGroup(tenant, key, families, Map.of(), 0, 0, true, 0);
    GroupSeries.forEach(pushed, (labels, value) -> check.check(labels, NO_TIMESTAMPS, 0, 0));
  }

  private static final long[] NO_TIMESTAMPS = new long[0];

  private void answer(Exchange ex, PushgatewayStore.Outcome o) {
    if (o.status() >= 400) {
      pipeline.reject(ex, o.status() == 400 ? "inconsistent" : o.status() == 413 ? BadRequestException.TOO_LARGE
          : o.status() == 503 ? "kafka_unavailable" : "internal", o.status(), o.message());
    } else {
      ex.replyText(o.status(), o.message());
    }
  }

  private static Long ttl(Exchange ex) {
    String v = null;
    Fields q = org.eclipse.jetty.server.Request.extractQueryParameters(ex.request);
    if (q.get("ttl") != null) {
      v = q.get("ttl").getValue();
    }
    if (v == null) {
      v = ex.header(TTL_HEADER);
    }
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      Duration d = PromDuration.parse(v.trim());
      return d.toMillis();
    } catch (IllegalArgumentException e) {
      throw new BadRequestException("ttl", "invalid TTL: " + e.getMessage() + " (use a Prometheus duration such as 10m, or 0 to remove it)");
    }
  }
}
