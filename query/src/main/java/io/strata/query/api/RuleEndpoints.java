package io.strata.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleGroup;
import io.strata.query.alerts.ActiveAlerts;
import io.strata.schemas.prom.GoFloat;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.util.Fields;

/**
 * {@code /api/v1/rules} and {@code /api/v1/alerts} in Prometheus 2.42's shapes. The rules are the rule files
 * the Flink rule job evaluates; the alerts are the pending and firing ones of the {@code metrics.alerts}
 * topic ({@link ActiveAlerts}), attached to their rule by group and alert name. The rule job evaluates
 * every rule on every sample instead of on a schedule, so {@code health} is {@code unknown},
 * {@code lastEvaluation} Go's zero time and {@code evaluationTime} 0: nothing here knows how the last
 * evaluation went.
 */
final class RuleEndpoints {
  /** Go's zero {@code time.Time} in RFC 3339, which Prometheus prints for a rule never evaluated. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final ActiveAlerts alerts;
  private final long defaultIntervalMs;
  private volatile List<RuleFile> files = List.of();

  /** @param defaultIntervalMs interval shown for groups without their own (Prometheus's evaluation_interval) */
  RuleEndpoints(ActiveAlerts alerts, long defaultIntervalMs) {
    this.alerts = alerts;
    this.defaultIntervalMs = defaultIntervalMs;
  }

  void ruleFiles(List<RuleFile> files) {
    this.files = List.copyOf(files);
  }

  DataWriter rules(String tenant, Fields params) {
    String type = params.getValue("type");
    String typ = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (!typ.isEmpty() && !typ.equals("alert") && !typ.equals("record")) {
      throw ApiException.badData("invalid parameter \"type\": not supported value \"" + type + "\"");
    }
    boolean alerting = !typ.equals("record");
    boolean recording = !typ.equals("alert");
    List<RuleFile> ruleFiles = files;
    List<ActiveAlerts.Alert> active = alerts.of(tenant);
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("groups");
      for (RuleFile f : ruleFiles) {
        for (RuleGroup group : f.groups()) {
          g.writeStartObject();
          g.writeStringField("name", group.name());
          g.writeStringField("file", f.fileName());
          g.writeArrayFieldStart("rules");
          for (Rule r : group.rules()) {
            if (r.isAlerting() ? alerting : recording) {
              writeRule(g, group, r, active);
            }
          }
          g.writeEndArray();
          g.writeFieldName("interval");
          g.writeNumber(GoFloat.plain((group.intervalMs() > 0 ? group.intervalMs() : defaultIntervalMs) / 1000.0));
          g.writeNumberField("limit", group.limit());
          g.writeNumberField("evaluationTime", 0);
          g.writeStringField("lastEvaluation", ZERO_TIME);
          g.writeEndObject();
        }
      }
      g.writeEndArray();
      g.writeEndObject();
    };
  }

  DataWriter alerts(String tenant) {
    List<ActiveAlerts.Alert> active = alerts.of(tenant);
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("alerts");
      for (ActiveAlerts.Alert a : active) {
        writeAlert(g, a);
      }
      g.writeEndArray();
      g.writeEndObject();
    };
  }

  private static void writeRule(JsonGenerator g, RuleGroup group, Rule r, List<ActiveAlerts.Alert> active) throws IOException {
    g.writeStartObject();
    if (r.isAlerting()) {
      List<ActiveAlerts.Alert> mine = new ArrayList<>();
      String state = "inactive";
      for (ActiveAlerts.Alert a : active) {
        if (a.group().equals(group.name()) && a.alertName().equals(r.name())) {
          mine.add(a);
          state = a.firing() ? "firing" : state.equals("firing") ? state : "pending";
        }
      }
      g.writeStringField("state", state);
      g.writeStringField("name", r.name());
      g.writeStringField("query", r.expr().toString());
      g.writeFieldName("duration");
      g.writeNumber(GoFloat.plain(r.forMs() / 1000.0));
      g.writeFieldName("keepFiringFor");
      g.writeNumber(GoFloat.plain(r.keepFiringForMs() / 1000.0));
      writeMap(g, "labels", r.labels());
      writeMap(g, "annotations", r.annotations());
      g.writeArrayFieldStart("alerts");
      for (ActiveAlerts.Alert a : mine) {
        writeAlert(g, a);
      }
      g.writeEndArray();
    } else {
      g.writeStringField("name", r.name());
      g.writeStringField("query", r.expr().toString());
      if (!r.labels().isEmpty()) { // omitempty in Prometheus's recording rule, not in its alerting rule
        writeMap(g, "labels", r.labels());
      }
    }
    g.writeStringField("health", "unknown");
    g.writeNumberField("evaluationTime", 0);
    g.writeStringField("lastEvaluation", ZERO_TIME);
    g.writeStringField("type", r.isAlerting() ? "alerting" : "recording");
    g.writeEndObject();
  }

  private static void writeAlert(JsonGenerator g, ActiveAlerts.Alert a) throws IOException {
    g.writeStartObject();
    writeMap(g, "labels", a.labels());
    writeMap(g, "annotations", a.annotations());
    g.writeStringField("state", a.state());
    g.writeStringField("activeAt", rfc3339(a.activeAtMs()));
    g.writeStringField("value", GoFloat.exponent(a.value()));
    g.writeEndObject();
  }

  private static void writeMap(JsonGenerator g, String field, Map<String, String> m) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : new TreeMap<>(m).entrySet()) { // Go writes label sets sorted by name
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  /** Go's {@code RFC3339Nano} of a UTC time: fraction without trailing zeros, none for whole seconds. */
  static String rfc3339(long ms) {
    StringBuilder sb = new StringBuilder(32).append(SECONDS.format(Instant.ofEpochMilli(ms)));
    Params.appendFraction(sb, Math.floorMod(ms, 1000L));
    return sb.append('Z').toString();
  }
}
