package io.strata.flink.eval;

import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.metrics.StageMetrics;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.AlertRule;
import io.strata.flink.rules.Fingerprint;
import io.strata.flink.rules.RuleSet;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Evaluates alerting rules per series in event time, keyed by series.
 *
 * <p>Samples are buffered in keyed state and an event-time timer is set at each sample's timestamp, so
 * they are evaluated in timestamp order once the watermark passes them, whatever order they arrived in
 * within the out-of-orderness bound. A sample whose timestamp is not after the watermark on arrival is
 * late: dropped and counted.
 *
 * <p>For each rule that selects the series, a sample either satisfies {@code selector op threshold}
 * (active) or not. The Prometheus state machine per (series, rule):
 * <pre>
 *   inactive --active, for=0--------------------------&gt; firing   (emit firing)
 *   inactive --active, for&gt;0--------------------------&gt; pending  (emit pending)
 *   pending  --active and ts - activeAt &gt;= for--------&gt; firing   (emit firing)
 *   pending|firing --inactive sample or stale marker--&gt; inactive (emit resolved, state removed)
 *   pending|firing --no sample for the lookback delta-&gt; inactive (emit resolved, state removed)
 * </pre>
 * The last transition mirrors Prometheus's lookback: an instant selector stops returning a series whose
 * newest sample is older than the lookback delta (5 minutes by default).
 *
 * <p>State hygiene: a series holds state only while it has buffered samples or an active alert; when
 * both are gone all its state and timers are removed, so no TTL is needed.
 */
public class AlertEvaluator extends KeyedProcessFunction<String, SeriesSamples, AlertTransition> {
  private static final long serialVersionUID = 1L;

  static final MapStateDescriptor<Long, Double> BUFFER = new MapStateDescriptor<>("buffered-samples", Types.LONG, Types.DOUBLE);
  static final ValueStateDescriptor<SeriesInfo> SERIES = new ValueStateDescriptor<>("series", TypeInformation.of(SeriesInfo.class));
  static final MapStateDescriptor<String, AlertStatus> ALERTS =
      new MapStateDescriptor<>("alerts", Types.STRING, TypeInformation.of(AlertStatus.class));

  private final RuleSet rules;
  private final long lookbackMs;
  private final String externalUrl;
  private final String metricsHook;

  private transient MapState<Long, Double> buffer;
  private transient ValueState<SeriesInfo> series;
  private transient MapState<String, AlertStatus> alerts;
  private transient StageMetrics metrics;
  private transient List<AlertRule> matched;

  /**
   * @param rules the alerting rules
   * @param lookbackMs Prometheus's lookback delta: an alert resolves when its series has no sample for this long
   * @param externalUrl base of the generator URL ("" for none)
   * @param metricsHook id of the {@link MetricsHooks} entry to count into (null for none)
   */
  public AlertEvaluator(RuleSet rules, long lookbackMs, String externalUrl, String metricsHook) {
    if (lookbackMs <= 0) {
      throw new IllegalArgumentException("lookback must be > 0 ms, got " + lookbackMs);
    }
    this.rules = rules;
    this.lookbackMs = lookbackMs;
    this.externalUrl = externalUrl == null ? "" : externalUrl;
    this.metricsHook = metricsHook;
  }

  @Override
  public void open(OpenContext ctx) {
    buffer = getRuntimeContext().getMapState(BUFFER);
    series = getRuntimeContext().getState(SERIES);
    alerts = getRuntimeContext().getMapState(ALERTS);
    metrics = MetricsHooks.lookup(metricsHook);
    matched = new ArrayList<>(4);
  }

  @Override
  public void processElement(SeriesSamples s, Context ctx, Collector<AlertTransition> out) throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    long late = 0;
    boolean buffered = false;
    long[] ts = s.timestamps;
    double[] vs = s.values;
    for (int i = 0; i < ts.length; i++) {
      if (ts[i] <= watermark) {
        late++;
        continue;
      }
      buffer.put(ts[i], vs[i]);
      ctx.timerService().registerEventTimeTimer(ts[i]);
      buffered = true;
    }
    if (buffered && series.value() == null) {
      series.update(new SeriesInfo(s.tenant, s.labels));
    }
    if (late > 0) {
      metrics.lateSamples(late);
    }
  }

  @Override
  public void onTimer(long ts, OnTimerContext ctx, Collector<AlertTransition> out) throws Exception {
    SeriesInfo si = series.value();
    if (si == null) {
      return; // nothing left for this series (a timer deleted state already accounted for)
    }
    Double v = buffer.get(ts);
    if (v != null) {
      buffer.remove(ts);
      evaluate(si, ts, v, out);
      si.lastSampleMs = ts;
    } else if (ts == si.lookbackTimerMs) {
      si.lookbackTimerMs = AlertTransition.NONE;
      if (ts - si.lastSampleMs >= lookbackMs) {
        resolveAll(si, ts, out);
      }
    }
    // housekeeping: keep a lookback timer while an alert is active, drop everything when nothing is left
    if (alerts.isEmpty()) {
      if (si.lookbackTimerMs != AlertTransition.NONE) {
        ctx.timerService().deleteEventTimeTimer(si.lookbackTimerMs);
        si.lookbackTimerMs = AlertTransition.NONE;
      }
      if (buffer.isEmpty()) {
        series.clear();
        return;
      }
    } else {
      long due = si.lastSampleMs + lookbackMs;
      if (si.lookbackTimerMs != due) {
        if (si.lookbackTimerMs != AlertTransition.NONE) {
          ctx.timerService().deleteEventTimeTimer(si.lookbackTimerMs);
        }
        ctx.timerService().registerEventTimeTimer(due);
        si.lookbackTimerMs = due;
      }
    }
    series.update(si);
  }

  private void evaluate(SeriesInfo si, long ts, double v, Collector<AlertTransition> out) throws Exception {
    rules.matching(metricName(si.labels), si.labels, matched);
    if (matched.isEmpty() && alerts.isEmpty()) {
      return;
    }
    metrics.samplesEvaluated(1);
    boolean stale = StaleMarker.isStale(v);
    for (int i = 0; i < matched.size(); i++) {
      AlertRule rule = matched.get(i);
      AlertStatus st = alerts.get(rule.id());
      if (!stale && rule.isActive(v)) {
        if (st == null) {
          st = new AlertStatus(ts, v);
          if (rule.forMs() == 0) {
            st.firing = true;
            st.firedAtMs = ts;
          }
          alerts.put(rule.id(), st);
          emit(rule, si, st, st.firing ? AlertTransition.FIRING : AlertTransition.PENDING, ts, out);
        } else {
          st.value = v;
          boolean fires = !st.firing && ts - st.activeAtMs >= rule.forMs();
          if (fires) {
            st.firing = true;
            st.firedAtMs = ts;
          }
          alerts.put(rule.id(), st);
          if (fires) {
            emit(rule, si, st, AlertTransition.FIRING, ts, out);
          }
        }
      } else if (st != null) {
        alerts.remove(rule.id());
        emitResolved(rule, si, st, ts, out);
      }
    }
    dropOrphans(si, ts, out);
  }

  /** Removes alert state of rules that no longer select this series (rules changed across a restore). */
  private void dropOrphans(SeriesInfo si, long ts, Collector<AlertTransition> out) throws Exception {
    if (alerts.isEmpty()) {
      return;
    }
    List<String> orphans = null;
    for (String id : alerts.keys()) {
      boolean known = false;
      for (int i = 0; i < matched.size() && !known; i++) {
        known = matched.get(i).id().equals(id);
      }
      if (!known) {
        if (orphans == null) {
          orphans = new ArrayList<>(2);
        }
        orphans.add(id);
      }
    }
    if (orphans != null) {
      for (String id : orphans) {
        AlertStatus st = alerts.get(id);
        alerts.remove(id);
        AlertRule rule = rules.byId(id);
        if (rule != null) {
          emitResolved(rule, si, st, ts, out);
        }
      }
    }
  }

  private void resolveAll(SeriesInfo si, long ts, Collector<AlertTransition> out) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String id : alerts.keys()) {
      ids.add(id);
    }
    for (String id : ids) {
      AlertStatus st = alerts.get(id);
      alerts.remove(id);
      AlertRule rule = rules.byId(id);
      if (rule != null) {
        emitResolved(rule, si, st, ts, out);
      }
    }
  }

  private void emitResolved(AlertRule rule, SeriesInfo si, AlertStatus st, long ts, Collector<AlertTransition> out) {
    AlertTransition t = transition(rule, si, st, AlertTransition.RESOLVED, ts);
    t.resolvedAtMs = ts;
    out.collect(t);
    metrics.alertEmitted(AlertTransition.RESOLVED);
  }

  private void emit(AlertRule rule, SeriesInfo si, AlertStatus st, String state, long ts, Collector<AlertTransition> out) {
    out.collect(transition(rule, si, st, state, ts));
    metrics.alertEmitted(state);
  }

  private AlertTransition transition(AlertRule rule, SeriesInfo si, AlertStatus st, String state, long ts) {
    AlertTransition t = new AlertTransition();
    t.labels = rule.alertLabels(si.labels, st.value);
    t.fingerprint = Fingerprint.of(t.labels);
    t.annotations = rule.annotations(si.labels, st.value);
    t.tenant = si.tenant;
    t.ruleGroup = rule.group();
    t.alertName = rule.name();
    t.state = state;
    t.value = st.value;
    t.activeAtMs = st.activeAtMs;
    t.firedAtMs = st.firedAtMs;
    t.evaluatedAtMs = ts;
    t.generatorUrl = rule.generatorUrl(externalUrl);
    return t;
  }

  private static String metricName(String[] pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(Labels.METRIC_NAME)) {
        return pairs[i + 1];
      }
    }
    return null;
  }
}
