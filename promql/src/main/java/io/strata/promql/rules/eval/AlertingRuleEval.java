package io.strata.promql.rules.eval;

import io.strata.promql.engine.Sample;
import io.strata.promql.rules.Rule;
import io.strata.promql.template.PromTemplate;
import io.strata.promql.template.QueryRunner;
import io.strata.promql.template.TemplateContext;
import io.strata.promql.template.TemplateException;
import io.strata.promql.storage.Queryable;
import io.strata.promql.storage.SelectHints;
import io.strata.promql.storage.SeriesData;
import io.strata.schemas.model.LabelMatcher;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus 2.42's {@code AlertingRule}: alert instances keyed by their label set, {@code for},
 * {@code keep_firing_for}, resolved alerts kept 15 minutes, {@code limit}, the {@code ALERTS} and
 * {@code ALERTS_FOR_STATE} samples, and which alerts the notifier sends ({@code sendAlerts}).
 */
final class AlertingRuleEval {
  /** Prometheus's {@code resolvedRetention}: a resolved alert is still sent (as resolved) this long. */
  static final long RESOLVED_RETENTION_MS = 15 * 60_000;
  static final String ALERTS = "ALERTS";
  static final String ALERTS_FOR_STATE = "ALERTS_FOR_STATE";
  private static final long UNSET = AlertSnapshot.UNSET;

  /** One alert instance (Prometheus's {@code rules.Alert}); mutable, owned by this rule. */
  static final class Alert {
    AlertState state;
    Labels labels;
    Map<String, String> annotations;
    double value;
    long activeAt;
    long firedAt = UNSET;
    long resolvedAt = UNSET;
    long lastSentAt = UNSET;
    long validUntil = UNSET;
    long keepFiringSince = UNSET;

    AlertSnapshot snapshot() {
      return new AlertSnapshot(labels.toMap(), annotations, state, value, activeAt, firedAt, resolvedAt, lastSentAt,
          validUntil, keepFiringSince);
    }

    static Alert of(AlertSnapshot s) {
      Alert a = new Alert();
      a.state = s.state();
      a.labels = Labels.fromMap(s.labels());
      a.annotations = new LinkedHashMap<>(s.annotations());
      a.value = s.value();
      a.activeAt = s.activeAtMs();
      a.firedAt = s.firedAtMs();
      a.resolvedAt = s.resolvedAtMs();
      a.lastSentAt = s.lastSentAtMs();
      a.validUntil = s.validUntilMs();
      a.keepFiringSince = s.keepFiringSinceMs();
      return a;
    }
  }

  final Rule rule;
  /** Rule labels and annotations sorted by name, as Prometheus's {@code labels.FromMap} orders them. */
  private final TreeMap<String, String> ruleLabels;
  private final TreeMap<String, String> ruleAnnotations;
  private final EvaluatorSettings settings;
  /** Active (pending, firing) and retained resolved alerts, by label set. */
  final Map<Labels, Alert> active = new LinkedHashMap<>();

  AlertingRuleEval(Rule rule, EvaluatorSettings settings) {
    this.rule = rule;
    this.ruleLabels = new TreeMap<>(rule.labels());
    this.ruleAnnotations = new TreeMap<>(rule.annotations());
    this.settings = settings;
  }

  /**
   * Updates the alerts from the expression's result at {@code ts} and returns the ALERTS / ALERTS_FOR_STATE
   * samples to write: none until the rule's {@code for} state is {@code restored} (Prometheus's
   * {@code AlertingRule.restored}), so a restart does not write a fresh {@code activeAt} over the one to restore.
   */
  List<Sample> eval(List<Sample> result, long ts, QueryRunner query, int limit, boolean restored) {
    Map<Labels, Alert> current = new LinkedHashMap<>();
    for (Sample s : result) {
      Map<String, String> seriesLabels = s.labels().toMap();
      TemplateContext ctx = new TemplateContext(seriesLabels, s.value(), settings.externalLabels(),
          settings.externalURL(), ts, query);
      TreeMap<String, String> lb = new TreeMap<>(seriesLabels);
      lb.remove(Labels.METRIC_NAME);
      for (Map.Entry<String, String> l : ruleLabels.entrySet()) {
        RecordingRuleEval.set(lb, l.getKey(), expand(l.getValue(), ctx));
      }
      RecordingRuleEval.set(lb, "alertname", rule.name());
      Map<String, String> annotations = new LinkedHashMap<>();
      for (Map.Entry<String, String> a : ruleAnnotations.entrySet()) {
        annotations.put(a.getKey(), expand(a.getValue(), ctx));
      }
      Labels labels = Labels.fromMap(lb);
      if (current.containsKey(labels)) {
        throw new RuleEvaluationException("vector contains metrics with the same labelset after applying alert labels");
      }
      Alert a = new Alert();
      a.labels = labels;
      a.annotations = annotations;
      a.activeAt = ts;
      a.state = AlertState.PENDING;
      a.value = s.value();
      current.put(labels, a);
    }

    for (Alert a : current.values()) {
      Alert known = active.get(a.labels);
      if (known != null && known.state != AlertState.INACTIVE) {
        known.value = a.value;
        known.annotations = a.annotations;
        continue;
      }
      active.put(a.labels, a);
    }

    List<Sample> out = new ArrayList<>();
    int activePending = 0;
    for (var it = active.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Labels, Alert> e = it.next();
      Alert a = e.getValue();
      if (!current.containsKey(e.getKey())) {
        boolean keepFiring = false;
        if (a.state == AlertState.FIRING && rule.keepFiringForMs() > 0) {
          if (a.keepFiringSince == UNSET) {
            a.keepFiringSince = ts;
          }
          keepFiring = ts - a.keepFiringSince < rule.keepFiringForMs();
        }
        // a pending alert goes at once; a resolved one once it has been reported long enough
        if (a.state == AlertState.PENDING || (a.resolvedAt != UNSET && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) {
          it.remove();
        }
        if (a.state != AlertState.INACTIVE && !keepFiring) {
          a.state = AlertState.INACTIVE;
          a.resolvedAt = ts;
        }
        if (!keepFiring) {
          continue;
        }
      } else {
        a.keepFiringSince = UNSET;
      }
      activePending++;
      if (a.state == AlertState.PENDING && ts - a.activeAt >= rule.forMs()) {
        a.state = AlertState.FIRING;
        a.firedAt = ts;
      }
      if (restored) {
        out.add(new Sample(alertLabels(a, ALERTS, true), ts, 1));
        out.add(new Sample(forStateLabels(a), ts, (double) Math.floorDiv(a.activeAt, 1000)));
      }
    }
    if (limit > 0 && activePending > limit) {
      active.clear();
      throw new RuleEvaluationException("exceeded limit of " + limit + " with " + activePending + " alerts");
    }
    return out;
  }

  private String expand(String text, TemplateContext ctx) {
    try {
      return PromTemplate.expand("__alert_" + rule.name(), text, ctx);
    } catch (TemplateException e) {
      return "<error expanding template: " + e.getMessage() + ">";
    }
  }

  /** The alert's {@code ALERTS_FOR_STATE} series. */
  Labels forStateLabels(Alert a) {
    return alertLabels(a, ALERTS_FOR_STATE, false);
  }

  /**
   * Prometheus 2.42's {@code Group.RestoreForState} for this rule, at {@code ts}: each active alert takes its
   * {@code activeAt} from the last sample of its {@code ALERTS_FOR_STATE} series in
   * {@code [ts - outageTolerance, ts]} (none, or a stale marker: the alert starts afresh), moved forward by
   * the time Strata was down, and at most so far back that it fires no sooner than {@code ts + gracePeriod}.
   * A rule whose {@code for} is shorter than the grace period is not restored (it waits its {@code for}).
   */
  void restoreForState(Queryable store, long ts, long outageToleranceMs, long gracePeriodMs) {
    long hold = rule.forMs();
    if (hold < gracePeriodMs) {
      return;
    }
    long mint = ts - outageToleranceMs;
    for (Alert a : active.values()) {
      if (a.state == AlertState.INACTIVE) {
        continue;
      }
      Labels series = forStateLabels(a);
      List<LabelMatcher> matchers = new ArrayList<>(series.size());
      for (int i = 0; i < series.size(); i++) {
        matchers.add(LabelMatcher.eq(series.name(i), series.value(i)));
      }
      long lastT = UNSET;
      double lastV = 0;
      for (SeriesData d : store.select(new SelectHints(mint, ts, 0, "", 0), matchers)) {
        if (!d.labels().equals(series)) {
          continue;
        }
        for (int i = 0; i < d.size(); i++) {
          long t = d.timestamps()[i];
          if (t >= mint && t <= ts) {
            lastT = t;
            lastV = d.values()[i];
          }
        }
      }
      if (lastT == UNSET || StaleMarker.isStale(lastV)) {
        continue; // not active before the outage, or resolved before it
      }
      // Prometheus works in whole seconds here: downAt from the sample's timestamp, activeAt from its value
      long downAt = Math.floorDiv(lastT, 1000) * 1000;
      long restoredActiveAt = (long) lastV * 1000;
      long remainingPending = hold - (downAt - restoredActiveAt);
      if (remainingPending <= 0) {
        // it was firing: it fires again at the next evaluation that still sees it
      } else if (remainingPending < gracePeriodMs) {
        restoredActiveAt = ts + gracePeriodMs - hold; // fires at ts + grace period
      } else {
        restoredActiveAt += ts - downAt; // the outage does not count as time pending
      }
      a.activeAt = restoredActiveAt;
    }
  }

  /** The ALERTS / ALERTS_FOR_STATE series: the rule's own labels, overridden by the alert's. */
  private Labels alertLabels(Alert a, String metric, boolean withState) {
    TreeMap<String, String> lb = new TreeMap<>(ruleLabels);
    for (int i = 0; i < a.labels.size(); i++) {
      RecordingRuleEval.set(lb, a.labels.name(i), a.labels.value(i));
    }
    lb.put(Labels.METRIC_NAME, metric);
    lb.put("alertname", rule.name());
    if (withState) {
      lb.put("alertstate", a.state.toString());
    }
    return Labels.fromMap(lb);
  }

  /** Prometheus's {@code sendAlerts}: what goes to the notifier after this evaluation. */
  List<OutgoingAlert> alertsToSend(long ts, long resendDelayMs, long intervalMs) {
    List<OutgoingAlert> out = new ArrayList<>();
    for (Alert a : active.values()) {
      if (!needsSending(a, ts, resendDelayMs)) {
        continue;
      }
      a.lastSentAt = ts;
      // allows for two missed evaluations or failed sends before Alertmanager resolves the alert itself
      a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
      boolean resolved = a.resolvedAt != UNSET;
      out.add(new OutgoingAlert(a.labels.toMap(), a.annotations, a.firedAt, resolved ? a.resolvedAt : a.validUntil,
          generatorURL(), resolved));
    }
    return out;
  }

  private static boolean needsSending(Alert a, long ts, long resendDelayMs) {
    if (a.state == AlertState.PENDING) {
      return false;
    }
    if (a.resolvedAt > a.lastSentAt) {
      return true;
    }
    return a.lastSentAt + resendDelayMs < ts;
  }

  /** {@code externalURL + "/graph?g0.expr=" + url.QueryEscape(expr) + "&g0.tab=1"}. */
  String generatorURL() {
    return settings.externalURL() + "/graph?g0.expr=" + queryEscape(rule.expr().toString()) + "&g0.tab=1";
  }

  /** Go's {@code url.QueryEscape}: like Java's form encoding, except {@code *} is escaped and {@code ~} is not. */
  static String queryEscape(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
  }

  AlertState maxState() {
    AlertState max = AlertState.INACTIVE;
    for (Alert a : active.values()) {
      if (a.state.compareTo(max) > 0) {
        max = a.state;
      }
    }
    return max;
  }
}
