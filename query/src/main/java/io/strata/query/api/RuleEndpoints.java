package io.strata.query.api;

import com.fasterxml.jackson.core.JsonGenerator;
import io.strata.avro.RuleEvaluationStatus;
import io.strata.avro.RuleGroupStatus;
import io.strata.avro.RuleType;
import io.strata.query.alerts.ActiveAlerts;
import io.strata.query.rules.RuleGroupCatalog;
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
 * {@code /api/v1/rules} and {@code /api/v1/alerts} in Prometheus 2.42's shapes. The rules are the groups the
 * Flink rule job runs, as it publishes them on {@code metrics.rules.status} ({@link RuleGroupCatalog}: the
 * groups of the rule files and those pushed to {@code metrics.rules}, each with its rules' health, last error,
 * evaluation time and last evaluation); the alerts are the pending and firing ones of the {@code metrics.alerts}
 * topic ({@link ActiveAlerts}), attached to their rule by group and alert name.
 */
final class RuleEndpoints {
  /** Go's zero {@code time.Time} in RFC 3339, which Prometheus prints for a rule never evaluated. */
  static final String ZERO_TIME = "0001-01-01T00:00:00Z";
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss", Locale.ROOT)
      .withZone(ZoneOffset.UTC);

  private final ActiveAlerts alerts;
  private final RuleGroupCatalog groups;

  RuleEndpoints(ActiveAlerts alerts, RuleGroupCatalog groups) {
    this.alerts = alerts;
    this.groups = groups;
  }

  DataWriter rules(String tenant, Fields params) {
    String type = params.getValue("type");
    String typ = type == null ? "" : type.toLowerCase(Locale.ROOT);
    if (!typ.isEmpty() && !typ.equals("alert") && !typ.equals("record")) {
      throw ApiException.badData("invalid parameter \"type\": not supported value \"" + type + "\"");
    }
    boolean alerting = !typ.equals("record");
    boolean recording = !typ.equals("alert");
    List<RuleGroupStatus> ruleGroups = groups.of(tenant);
    List<ActiveAlerts.Alert> active = alerts.of(tenant);
    return g -> {
      g.writeStartObject();
      g.writeArrayFieldStart("groups");
      for (RuleGroupStatus group : ruleGroups) {
        g.writeStartObject();
        g.writeStringField("name", group.getName());
        g.writeStringField("file", group.getNamespace());
        g.writeArrayFieldStart("rules");
        for (RuleEvaluationStatus r : group.getRules()) {
          if (r.getType() == RuleType.alerting ? alerting : recording) {
            writeRule(g, group, r, active);
          }
        }
        g.writeEndArray();
        g.writeFieldName("interval");
        g.writeNumber(GoFloat.plain(group.getIntervalMs() / 1000.0));
        g.writeNumberField("limit", group.getLimit());
        g.writeFieldName("evaluationTime");
        g.writeNumber(jsonFloat(group.getEvaluationTimeSeconds()));
        g.writeStringField("lastEvaluation", time(group.getLastEvaluationMs()));
        g.writeEndObject();
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

  private static void writeRule(JsonGenerator g, RuleGroupStatus group, RuleEvaluationStatus r, List<ActiveAlerts.Alert> active)
      throws IOException {
    g.writeStartObject();
    boolean isAlerting = r.getType() == RuleType.alerting;
    if (isAlerting) {
      List<ActiveAlerts.Alert> mine = new ArrayList<>();
      String state = "inactive";
      for (ActiveAlerts.Alert a : active) {
        if (a.group().equals(group.getName()) && a.alertName().equals(r.getName())) {
          mine.add(a);
          state = a.firing() ? "firing" : state.equals("firing") ? state : "pending";
        }
      }
      g.writeStringField("state", state);
      g.writeStringField("name", r.getName());
      g.writeStringField("query", r.getQuery());
      g.writeFieldName("duration");
      g.writeNumber(GoFloat.plain(r.getForMs() / 1000.0));
      g.writeFieldName("keepFiringFor");
      g.writeNumber(GoFloat.plain(r.getKeepFiringForMs() / 1000.0));
      writeMap(g, "labels", r.getLabels());
      writeMap(g, "annotations", r.getAnnotations());
      g.writeArrayFieldStart("alerts");
      for (ActiveAlerts.Alert a : mine) {
        writeAlert(g, a);
      }
      g.writeEndArray();
    } else {
      g.writeStringField("name", r.getName());
      g.writeStringField("query", r.getQuery());
      if (!r.getLabels().isEmpty()) { // omitempty in Prometheus's recording rule, not in its alerting rule
        writeMap(g, "labels", r.getLabels());
      }
    }
    g.writeStringField("health", r.getHealth().name());
    if (!r.getLastError().isEmpty()) { // omitempty
      g.writeStringField("lastError", r.getLastError());
    }
    g.writeFieldName("evaluationTime");
    g.writeNumber(jsonFloat(r.getEvaluationTimeSeconds()));
    g.writeStringField("lastEvaluation", time(r.getLastEvaluationMs()));
    g.writeStringField("type", isAlerting ? "alerting" : "recording");
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

  /** A time as Prometheus writes a {@code time.Time}: RFC3339Nano, or Go's zero time when there is none (null). */
  static String time(Long ms) {
    return ms == null ? ZERO_TIME : rfc3339(ms);
  }

  /**
   * A float64 as Go's {@code encoding/json} (and the jsoniter Prometheus uses) writes it: shortest digits,
   * plain, except an exponent below 1e-6 and from 1e21, written {@code 8e-7} (no leading zero in the exponent).
   */
  static String jsonFloat(double v) {
    double abs = Math.abs(v);
    if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
      String e = GoFloat.exponent(v);
      int n = e.length();
      if (n >= 4 && e.charAt(n - 4) == 'e' && e.charAt(n - 3) == '-' && e.charAt(n - 2) == '0') {
        e = e.substring(0, n - 2) + e.charAt(n - 1);
      }
      return e;
    }
    return GoFloat.plain(v);
  }

  /** Go's {@code RFC3339Nano} of a UTC time: fraction without trailing zeros, none for whole seconds. */
  static String rfc3339(long ms) {
    StringBuilder sb = new StringBuilder(32).append(SECONDS.format(Instant.ofEpochMilli(ms)));
    Params.appendFraction(sb, Math.floorMod(ms, 1000L));
    return sb.append('Z').toString();
  }
}
