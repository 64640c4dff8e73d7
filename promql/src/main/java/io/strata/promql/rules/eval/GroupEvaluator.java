package io.strata.promql.rules.eval;

import io.strata.promql.engine.Engine;
import io.strata.promql.engine.Sample;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.storage.Queryable;
import io.strata.promql.template.QueryRunner;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Evaluates one rule group at a time, with Prometheus 2.42's {@code Group.Eval} semantics: the rules in
 * order at one timestamp, each seeing what the earlier rules of the same evaluation wrote (the sink must
 * make samples visible to the {@link Queryable}); recording rules renamed and labelled; alerting rules
 * with {@code for}, {@code keep_firing_for}, templated labels and annotations, {@code ALERTS} and
 * {@code ALERTS_FOR_STATE}; the group's {@code limit}; stale markers for series a rule wrote at its
 * previous evaluation and no longer writes; per-rule health, last error and timings; the alerts the
 * notifier sends.
 *
 * <p>This is the one rule evaluator: {@code strata rules test} and the Flink rule job both run it. Its
 * state between evaluations is a plain value ({@link #exportState}, {@link #importState}) so the Flink
 * operator can keep it in checkpointed state. Not thread-safe: one evaluation at a time.
 */
public final class GroupEvaluator {
  private final RuleGroup group;
  private final Engine engine;
  private final EvaluatorSettings settings;
  private final Clock clock;
  /** Per rule: the alerting state (null for recording rules). */
  private final AlertingRuleEval[] alerting;
  /** Per rule: the series it wrote at its last successful evaluation, in order. */
  private final List<Set<Labels>> previousSeries = new ArrayList<>();
  private final RuleStatus[] status;
  /** Series of rules removed by an update, marked stale at the next evaluation. */
  private final List<Labels> staleSeries = new ArrayList<>();
  private long evaluationNanos;
  private long lastEvaluationMs = AlertSnapshot.UNSET;
  /** 0: restored (the default; what {@code rules test} and a reload see); else 1 + evaluations before the restore. */
  private int forStateRestore;

  /** Prometheus evaluates a group twice before restoring (recording rules the alerts read are written by then). */
  static final int EVALUATIONS_BEFORE_RESTORE = 2;

  public GroupEvaluator(RuleGroup group, Engine engine, EvaluatorSettings settings) {
    this(group, engine, settings, Clock.systemUTC());
  }

  /** {@code clock} gives the wall-clock times reported as {@code lastEvaluation}. */
  public GroupEvaluator(RuleGroup group, Engine engine, EvaluatorSettings settings, Clock clock) {
    this.group = Objects.requireNonNull(group, "group");
    this.engine = Objects.requireNonNull(engine, "engine");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    int n = group.rules().size();
    alerting = new AlertingRuleEval[n];
    status = new RuleStatus[n];
    for (int i = 0; i < n; i++) {
      Rule r = group.rules().get(i);
      alerting[i] = r.isAlerting() ? new AlertingRuleEval(r, settings) : null;
      previousSeries.add(new LinkedHashSet<>());
      status[i] = RuleStatus.NEW;
    }
  }

  public RuleGroup group() {
    return group;
  }

  public EvaluatorSettings settings() {
    return settings;
  }

  /**
   * Evaluates every rule of the group at {@code timestampMs} over {@code storage}, writing what they produce
   * to {@code sink}. A failing rule does not stop the others (its error is in the result and its status).
   */
  public GroupEvaluation evaluate(Queryable storage, SampleSink sink, long timestampMs) {
    long groupStart = System.nanoTime();
    long wallStart = clock.millis();
    QueryRunner templateQuery = RuleQuery.templateRunner(engine, storage);
    List<OutgoingAlert> toSend = new ArrayList<>();
    List<GroupEvaluation.RuleError> errors = new ArrayList<>();
    int samples = 0;
    for (int i = 0; i < alerting.length; i++) {
      Rule rule = group.rules().get(i);
      long start = System.nanoTime();
      long wall = clock.millis();
      List<Sample> out;
      try {
        List<Sample> result = RuleQuery.run(engine, storage, rule.expr(), timestampMs);
        out = alerting[i] != null
            ? alerting[i].eval(result, timestampMs, templateQuery, group.limit(), forStateRestore == 0)
            : RecordingRuleEval.eval(rule, result, group.limit());
      } catch (RuntimeException e) {
        String msg = message(e);
        status[i] = new RuleStatus(RuleHealth.ERR, msg, System.nanoTime() - start, wall, timestampMs);
        errors.add(new GroupEvaluation.RuleError(i, rule.name(), msg));
        continue;
      }
      samples += out.size();
      if (alerting[i] != null) {
        toSend.addAll(alerting[i].alertsToSend(timestampMs, settings.resendDelayMs(), settings.intervalMs()));
      }
      String appendError = null;
      Set<Labels> returned = new LinkedHashSet<>();
      for (Sample s : out) {
        try {
          sink.append(s.labels(), s.timestampMs(), s.value());
          returned.add(s.labels());
        } catch (RuntimeException e) {
          appendError = message(e);
        }
      }
      for (Labels prev : previousSeries.get(i)) {
        if (!returned.contains(prev)) {
          appendStale(sink, prev, timestampMs);
        }
      }
      previousSeries.set(i, returned);
      RuleHealth health = appendError == null ? RuleHealth.OK : RuleHealth.ERR;
      if (appendError != null) {
        errors.add(new GroupEvaluation.RuleError(i, rule.name(), appendError));
      }
      status[i] = new RuleStatus(health, appendError == null ? "" : appendError, System.nanoTime() - start, wall,
          timestampMs);
    }
    for (Labels l : staleSeries) {
      appendStale(sink, l, timestampMs);
    }
    staleSeries.clear();
    if (forStateRestore > 1) {
      forStateRestore--;
    }
    evaluationNanos = System.nanoTime() - groupStart;
    lastEvaluationMs = wallStart;
    return new GroupEvaluation(timestampMs, samples, toSend, errors);
  }

  /** A stale marker; refusals are expected when another rule writes the series, and ignored as Prometheus does. */
  private static void appendStale(SampleSink sink, Labels labels, long ts) {
    try {
      sink.append(labels, ts, StaleMarker.VALUE);
    } catch (RuntimeException ignored) {
      // out of order / duplicate: the series is written by someone else now
    }
  }

  private static String message(RuntimeException e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  // ---- 'for' restore (Prometheus's RestoreForState, for a group that starts without state) ----------

  /**
   * Marks the group as started without its alerts' state (Prometheus's first start, {@code shouldRestore}):
   * its alerting rules write no {@code ALERTS} / {@code ALERTS_FOR_STATE} until the {@code for} state is
   * restored, which is due ({@link #forStateRestoreDue()}) after two evaluations.
   */
  public void awaitForStateRestore() {
    forStateRestore = EVALUATIONS_BEFORE_RESTORE + 1;
  }

  /** True when the evaluations before the restore have run and {@link #restoreForState} is to be called now. */
  public boolean forStateRestoreDue() {
    return forStateRestore == 1;
  }

  /**
   * The {@code ALERTS_FOR_STATE} series {@link #restoreForState} reads: those of the active alerts of rules
   * whose {@code for} is at least {@code gracePeriodMs} (the others are not restored).
   */
  public List<Labels> forStateSeriesToRestore(long gracePeriodMs) {
    List<Labels> out = new ArrayList<>();
    for (AlertingRuleEval a : alerting) {
      if (a == null || a.rule.forMs() < gracePeriodMs) {
        continue;
      }
      for (AlertingRuleEval.Alert al : a.active.values()) {
        if (al.state != AlertState.INACTIVE) {
          out.add(a.forStateLabels(al));
        }
      }
    }
    return out;
  }

  /**
   * Prometheus 2.42's {@code RestoreForState} at {@code ts}: every active alert of a rule with {@code for} ≥
   * {@code gracePeriodMs} (Prometheus's {@code --rules.alert.for-grace-period}) takes its {@code activeAt} from
   * the last sample of its {@code ALERTS_FOR_STATE} series in {@code store} within
   * {@code [ts - outageToleranceMs, ts]} ({@code --rules.alert.for-outage-tolerance}): shifted forward by the
   * outage (the time between that sample and {@code ts} does not count as pending), or set so the alert fires
   * {@code gracePeriodMs} after {@code ts} when less than that was left, or kept when it had already fired.
   * Without a sample in the window, or when the last one is a stale marker, the alert keeps the
   * {@code activeAt} of its first evaluation since the start. Afterwards the rules write their series again.
   */
  public void restoreForState(Queryable store, long ts, long outageToleranceMs, long gracePeriodMs) {
    for (AlertingRuleEval a : alerting) {
      if (a != null) {
        a.restoreForState(store, ts, outageToleranceMs, gracePeriodMs);
      }
    }
    forStateRestore = 0;
  }

  // ---- what the API and tests read ----------------------------------------------------------------

  public RuleStatus ruleStatus(int ruleIndex) {
    return status[ruleIndex];
  }

  /**
   * An alerting rule's alert instances: active ones and resolved ones still retained (Prometheus's
   * {@code currentAlerts}); empty for a recording rule. Use {@link AlertSnapshot#isActive()} for
   * {@code ActiveAlerts}.
   */
  public List<AlertSnapshot> alerts(int ruleIndex) {
    AlertingRuleEval a = alerting[ruleIndex];
    if (a == null) {
      return List.of();
    }
    List<AlertSnapshot> out = new ArrayList<>(a.active.size());
    for (AlertingRuleEval.Alert al : a.active.values()) {
      out.add(al.snapshot());
    }
    return out;
  }

  /** The highest state among a rule's alerts (the rule's state in {@code /api/v1/rules}). */
  public AlertState ruleState(int ruleIndex) {
    AlertingRuleEval a = alerting[ruleIndex];
    return a == null ? AlertState.INACTIVE : a.maxState();
  }

  /** Duration of the last group evaluation, ns. */
  public long evaluationNanos() {
    return evaluationNanos;
  }

  /** Wall-clock start of the last group evaluation, epoch ms ({@link AlertSnapshot#UNSET} before the first). */
  public long lastEvaluationMs() {
    return lastEvaluationMs;
  }

  // ---- state -------------------------------------------------------------------------------------

  public GroupState exportState() {
    List<GroupState.RuleState> rules = new ArrayList<>();
    for (int i = 0; i < alerting.length; i++) {
      Rule r = group.rules().get(i);
      rules.add(new GroupState.RuleState(r.name(), r.labels(), alerts(i), toMaps(previousSeries.get(i)), status[i]));
    }
    return new GroupState(rules, toMaps(staleSeries), evaluationNanos, lastEvaluationMs, forStateRestore);
  }

  /**
   * Takes over the state of an earlier evaluator of this group (after a restart, or after the group changed),
   * as Prometheus's {@code Group.CopyState}: rules are matched by name and labels, the n-th duplicate with the
   * n-th; alert instances carry over between alerting rules, the series written carry over so they are marked
   * stale when they vanish, and the series of rules that no longer exist are marked stale at the next evaluation.
   * Health starts {@code unknown} again, as after a reload.
   */
  public void importState(GroupState state) {
    Map<String, Deque<Integer>> byKey = new HashMap<>();
    for (int fi = 0; fi < state.rules().size(); fi++) {
      GroupState.RuleState r = state.rules().get(fi);
      byKey.computeIfAbsent(key(r.name(), r.ruleLabels()), k -> new ArrayDeque<>()).add(fi);
    }
    boolean[] matched = new boolean[state.rules().size()];
    for (int i = 0; i < alerting.length; i++) {
      Rule r = group.rules().get(i);
      Deque<Integer> q = byKey.get(key(r.name(), r.labels()));
      if (q == null || q.isEmpty()) {
        continue;
      }
      int fi = q.poll();
      matched[fi] = true;
      GroupState.RuleState from = state.rules().get(fi);
      previousSeries.set(i, toLabels(from.previousSeries()));
      if (alerting[i] != null) {
        for (AlertSnapshot s : from.alerts()) {
          AlertingRuleEval.Alert a = AlertingRuleEval.Alert.of(s);
          alerting[i].active.put(a.labels, a);
        }
      }
    }
    staleSeries.addAll(toLabels(state.staleSeries()));
    for (int fi = 0; fi < matched.length; fi++) {
      if (!matched[fi]) {
        staleSeries.addAll(toLabels(state.rules().get(fi).previousSeries()));
      }
    }
    evaluationNanos = state.evaluationNanos();
    lastEvaluationMs = state.lastEvaluationMs();
    forStateRestore = state.forStateRestore();
  }

  private static String key(String name, Map<String, String> labels) {
    return name + Labels.fromMap(labels);
  }

  private static List<Map<String, String>> toMaps(Collection<Labels> ls) {
    List<Map<String, String>> out = new ArrayList<>(ls.size());
    for (Labels l : ls) {
      out.add(l.toMap());
    }
    return out;
  }

  private static Set<Labels> toLabels(List<Map<String, String>> ms) {
    Set<Labels> out = new LinkedHashSet<>();
    for (Map<String, String> m : ms) {
      out.add(Labels.fromMap(m));
    }
    return out;
  }
}
