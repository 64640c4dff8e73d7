package io.strata.flink.job;

import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.metrics.StageMetrics;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.GroupStatus;
import io.strata.flink.model.Routed;
import io.strata.flink.model.RuleSamples;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.Fingerprint;
import io.strata.flink.rules.GroupPlan;
import io.strata.flink.rules.GroupStatuses;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.engine.Engine;
import io.strata.promql.engine.EngineOptions;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.rules.eval.EvaluationStorage;
import io.strata.promql.rules.eval.AlertSnapshot;
import io.strata.promql.rules.eval.AlertState;
import io.strata.promql.rules.eval.EvaluatorSettings;
import io.strata.promql.rules.eval.GroupEvaluation;
import io.strata.promql.rules.eval.GroupEvaluator;
import io.strata.promql.rules.eval.GroupState;
import io.strata.promql.rules.eval.OutgoingAlert;
import io.strata.promql.rules.eval.RuleStatus;
import io.strata.promql.storage.Queryable;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.SeriesPartitioner;
import io.strata.schemas.model.StaleMarker;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates one rule group per key with the promql module's {@link GroupEvaluator} (the same code
 * {@code strata rules test} runs), on the group's evaluation grid in event time.
 *
 * <p>Keyed state per group: its definition ({@code group-spec}), the samples of every series its selectors
 * chose, trimmed after each evaluation to what the next one can read ({@code series}), the evaluator's state
 * between evaluations ({@code evaluator-state}: alerts with their {@code for} / {@code keep_firing_for}
 * progress, the series each rule wrote), the next and last evaluation times. One event-time timer per group
 * fires its next evaluation once the watermark has passed it. A deleted group (or a rule-file group gone
 * from the files after a restart) writes stale markers for its series and tombstones for its alerts and
 * leaves no state and no timer behind.
 *
 * <p>Outputs: alert events (main output, see {@link #alertEvents}); on {@link #RULE_SAMPLES}, what the
 * rules wrote, one element per partition of the samples topic; on {@link #GROUP_STATUS}, the group's status
 * ({@code /api/v1/rules}: definition, health, last error, timings) when it is defined or changed, once after
 * the evaluations of each timer (at most one per evaluation), and a removal when it is deleted.
 */
public class EvaluateGroups extends KeyedProcessFunction<String, Routed, AlertTransition> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EvaluateGroups.class);

  public static final OutputTag<RuleSamples> RULE_SAMPLES =
      new OutputTag<>("rule-samples", TypeInformation.of(RuleSamples.class));

  public static final OutputTag<GroupStatus> GROUP_STATUS =
      new OutputTag<>("group-status", TypeInformation.of(GroupStatus.class));

  /** The timer of a group registered before any watermark: evaluates at the first one. */
  static final long FIRST = Long.MIN_VALUE + 1;

  /**
   * Settings the operator needs; serializable with the job graph.
   *
   * @param maxEvaluationAgeMs evaluation times further than this behind {@code clock} are skipped (their
   *     samples still kept): reading a backlog (a first start from the earliest offset, a long outage) does
   *     not evaluate, and alert on, the past; 0 evaluates every time (tests replaying fixed timestamps)
   * @param forStateRestore how a group that starts without state restores its alerts' {@code for} progress
   *     from {@code ALERTS_FOR_STATE} (Prometheus's first start); null: such a group starts restored (as
   *     {@code rules test} and a group added to a running Prometheus)
   */
  public record Options(long lookbackDeltaMs, long defaultIntervalMs, long resendDelayMs, String externalUrl,
      Map<String, String> externalLabels, boolean spreadEvaluations, int samplesPartitions, long maxEvaluationAgeMs,
      SampleWatermarks.Clock clock, ForStateSource.Restore forStateRestore) implements Serializable {
    public Options {
      externalLabels = new TreeMap<>(externalLabels);
    }

    public Options(long lookbackDeltaMs, long defaultIntervalMs, long resendDelayMs, String externalUrl,
        Map<String, String> externalLabels, boolean spreadEvaluations, int samplesPartitions, long maxEvaluationAgeMs,
        SampleWatermarks.Clock clock) {
      this(lookbackDeltaMs, defaultIntervalMs, resendDelayMs, externalUrl, externalLabels, spreadEvaluations,
          samplesPartitions, maxEvaluationAgeMs, clock, null);
    }
  }

  private final Map<String, GroupSpec> fileGroups;
  private final Options options;
  private final String metricsHook;

  private transient ValueState<GroupSpec> specState;
  private transient MapState<String, SeriesSamples> series;
  /** The series state as versions before "series-v2" kept it; empty once moved. */
  private transient MapState<String, SeriesSamples> legacySeries;
  private transient ValueState<byte[]> evaluatorState;
  private transient ValueState<Long> nextEvaluation;
  private transient ValueState<Long> lastEvaluation;
  private transient Engine engine;
  private transient StageMetrics metrics;
  /** Parsed groups by key, reused while the definition is the same. */
  private transient Map<String, Prepared> prepared;
  /**
   * Evaluators kept between evaluations, by group key, with the state they exported last (the same as in
   * {@code evaluator-state}, which only this function writes): saves reading and importing it each time.
   */
  private transient Map<String, Live> live;

  private record Live(GroupSpec spec, GroupEvaluator evaluator, GroupState state) {}

  private record Prepared(GroupSpec spec, GroupPlan plan, String namespace, String name) {}

  /**
   * @param fileGroups the groups of the rule files, by key: a group that came from a file and is no longer
   *     here (the files changed across a restart) is deleted at its next evaluation time
   */
  public EvaluateGroups(List<GroupSpec> fileGroups, Options options, String metricsHook) {
    this.fileGroups = new LinkedHashMap<>();
    for (GroupSpec g : fileGroups) {
      this.fileGroups.put(g.key, g);
    }
    this.options = options;
    this.metricsHook = metricsHook;
  }

  @Override
  public void open(OpenContext ctx) {
    specState = getRuntimeContext().getState(new ValueStateDescriptor<>("group-spec", TypeInformation.of(GroupSpec.class)));
    // "series-v2": the same map with serializers that are cheap to checkpoint (SeriesStateSerializers); a
    // checkpoint of an earlier version still holds "series", moved over at the group's next element or timer
    series = getRuntimeContext().getMapState(new MapStateDescriptor<>("series-v2", SeriesStateSerializers.Key.INSTANCE,
        SeriesStateSerializers.Series.INSTANCE));
    legacySeries = getRuntimeContext().getMapState(new MapStateDescriptor<>("series", Types.STRING,
        TypeInformation.of(SeriesSamples.class)));
    evaluatorState = getRuntimeContext().getState(new ValueStateDescriptor<>("evaluator-state",
        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    nextEvaluation = getRuntimeContext().getState(new ValueStateDescriptor<>("next-evaluation", Types.LONG));
    lastEvaluation = getRuntimeContext().getState(new ValueStateDescriptor<>("last-evaluation", Types.LONG));
    engine = new Engine(EngineOptions.DEFAULTS.withLookbackDeltaMs(options.lookbackDeltaMs())
        .withDefaultSubqueryStepMs(options.defaultIntervalMs()));
    metrics = MetricsHooks.lookup(metricsHook);
    prepared = new HashMap<>();
    live = new HashMap<>();
  }

  // ---- input ---------------------------------------------------------------------------------------

  @Override
  public void processElement(Routed r, Context ctx, Collector<AlertTransition> out) throws Exception {
    moveLegacySeries();
    switch (r.kind) {
      case Routed.GROUP -> define(r.spec, ctx);
      case Routed.DELETE -> {
        GroupSpec stored = specState.value();
        if (stored == null) {
          // unknown here (deleted while the job kept no state of it, e.g. a start without a checkpoint): its
          // status may still be on the status topic
          ctx.output(GROUP_STATUS, new GroupStatus(r.groupKey, null));
          return;
        }
        if (stored.fromFile || stored.version > r.spec.version) {
          return; // a rule file's group (deleted only by the files), or older than the definition
        }
        GroupSpec file = fileGroups.get(r.groupKey);
        if (file != null) {
          specState.clear(); // a pushed group that overrode a file group is gone: the file's group is back
          define(file, ctx);
        } else {
          delete(ctx, out);
        }
      }
      default -> addSamples(r, ctx);
    }
  }

  private void define(GroupSpec spec, Context ctx) throws Exception {
    GroupSpec stored = specState.value();
    if (stored != null && (stored.version > spec.version || stored.version == spec.version && stored.sameContent(spec))) {
      return; // older than what we have, or a copy of it from another router subtask
    }
    Prepared old = stored == null ? null : prepare(stored);
    Prepared p = prepare(spec);
    if (p == null) {
      return;
    }
    specState.update(spec);
    emitStatus(p, ctx);
    Long next = nextEvaluation.value();
    if (next != null && old != null && old.plan().intervalMs() == p.plan().intervalMs()
        && old.plan().offsetMs() == p.plan().offsetMs()) {
      return; // same grid: the next evaluation stays
    }
    if (next != null) {
      ctx.timerService().deleteEventTimeTimer(next);
    }
    long wm = ctx.timerService().currentWatermark();
    Long last = lastEvaluation.value();
    long t = wm == Long.MIN_VALUE && last == null ? FIRST
        : p.plan().nextAfter(last == null ? wm : Math.max(wm, last));
    ctx.timerService().registerEventTimeTimer(t);
    nextEvaluation.update(t);
  }

  private void addSamples(Routed r, Context ctx) throws Exception {
    GroupSpec spec = specState.value();
    SeriesSamples s = r.series;
    if (spec == null) {
      metrics.samplesDropped("no_group", s.timestamps.length);
      return;
    }
    Prepared p = prepare(spec);
    if (p == null) {
      return;
    }
    long wm = ctx.timerService().currentWatermark();
    long oldest = wm == Long.MIN_VALUE ? Long.MIN_VALUE : wm - p.plan().retentionMs();
    int late = 0;
    int keep = 0;
    for (long t : s.timestamps) {
      if (t <= wm && !r.fromRules) {
        late++;
      }
      if (t >= oldest) {
        keep++;
      }
    }
    if (late > 0) {
      metrics.lateSamples(late);
    }
    if (keep < s.timestamps.length) {
      metrics.samplesDropped("too_old", s.timestamps.length - keep);
    }
    if (keep == 0) {
      return;
    }
    metrics.samplesRouted(keep);
    merge(seriesKey(s.labels), s.labels, s.timestamps, s.values(), oldest);
  }

  /** Moves this group's series from a checkpoint of a version before "series-v2" (once; a lookup after). */
  private void moveLegacySeries() throws Exception {
    if (legacySeries.isEmpty()) {
      return;
    }
    for (Map.Entry<String, SeriesSamples> e : legacySeries.entries()) {
      series.put(e.getKey(), e.getValue());
    }
    legacySeries.clear();
  }

  static String seriesKey(String[] labels) {
    return String.join("\u0000", labels);
  }

  /** Merges samples (any order) into a series' kept samples; a timestamp already there takes the new value. */
  private void merge(String key, String[] labels, long[] ts, double[] vs, long oldest) throws Exception {
    SeriesSamples cur = series.get(key);
    int n0 = cur == null ? 0 : cur.timestamps.length;
    boolean ascendingAfter = true;
    long prev = n0 == 0 ? Long.MIN_VALUE : cur.timestamps[n0 - 1];
    for (long t : ts) {
      if (t <= prev) {
        ascendingAfter = false;
        break;
      }
      prev = t;
    }
    long[] nt;
    double[] nv;
    if (ascendingAfter) {
      int add = 0;
      for (long t : ts) {
        if (t >= oldest) {
          add++;
        }
      }
      nt = n0 == 0 ? new long[add] : Arrays.copyOf(cur.timestamps, n0 + add);
      nv = n0 == 0 ? new double[add] : Arrays.copyOf(cur.values(), n0 + add);
      int j = n0;
      for (int i = 0; i < ts.length; i++) {
        if (ts[i] >= oldest) {
          nt[j] = ts[i];
          nv[j++] = vs[i];
        }
      }
    } else {
      TreeMap<Long, Double> m = new TreeMap<>();
      for (int i = 0; i < n0; i++) {
        m.put(cur.timestamps[i], cur.value(i));
      }
      for (int i = 0; i < ts.length; i++) {
        if (ts[i] >= oldest) {
          m.put(ts[i], vs[i]);
        }
      }
      nt = new long[m.size()];
      nv = new double[m.size()];
      int j = 0;
      for (var e : m.entrySet()) {
        nt[j] = e.getKey();
        nv[j++] = e.getValue();
      }
    }
    series.put(key, new SeriesSamples(labels, nt, nv));
  }

  // ---- evaluation ----------------------------------------------------------------------------------

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AlertTransition> out) throws Exception {
    moveLegacySeries();
    GroupSpec spec = specState.value();
    nextEvaluation.clear();
    if (spec == null) {
      clearState();
      return;
    }
    if (spec.fromFile) {
      GroupSpec now = fileGroups.get(spec.key);
      if (now == null) {
        LOG.info("rule group {} is no longer in the rule files: deleting its state", spec.key);
        delete(ctx, out);
        return;
      }
      if (!now.sameContent(spec)) {
        spec = now;
        specState.update(now);
      }
    }
    Prepared p = prepare(spec);
    if (p == null) {
      delete(ctx, out);
      return;
    }
    long wm = ctx.timerService().currentWatermark();
    GroupPlan plan = p.plan();
    long first;
    if (timestamp == FIRST) {
      // a new group: from the grid time of its oldest sample when a backlog was read before the first
      // watermark, else from the watermark's grid time
      long oldest = Long.MAX_VALUE;
      for (SeriesSamples s : series.values()) {
        oldest = Math.min(oldest, s.timestamps[0]);
      }
      first = oldest == Long.MAX_VALUE || oldest > wm ? plan.lastAtOrBefore(wm) : plan.nextAfter(oldest - 1);
    } else {
      first = timestamp;
    }
    Long last = lastEvaluation.value();
    if (last != null && first <= last) {
      first = plan.nextAfter(last);
    }
    // every grid time the watermark has passed, in order (a backlog is evaluated with its data), except those
    // further behind the wall clock than max-evaluation-age (the past read from a backlog is only kept)
    if (options.maxEvaluationAgeMs() > 0) {
      long oldestAllowed = options.clock().getAsLong() - options.maxEvaluationAgeMs();
      if (first < oldestAllowed) {
        long skipTo = Math.min(plan.nextAfter(oldestAllowed - 1), plan.nextAfter(wm));
        metrics.iterationsMissed((skipTo - first) / plan.intervalMs());
        first = skipTo;
      }
    }
    boolean evaluated = false;
    for (long t = first; t <= wm; t += plan.intervalMs()) {
      evaluate(p, t, ctx, out);
      lastEvaluation.update(t);
      evaluated = true;
    }
    if (evaluated) {
      emitStatus(p, ctx); // once per timer: a backlog of evaluations publishes only the last one's status
    }
    long next = plan.nextAfter(wm);
    ctx.timerService().registerEventTimeTimer(next);
    nextEvaluation.update(next);
    // also when times were skipped: a backlog of the far past is not held until it is evaluated
    trim(next - plan.retentionMs());
  }

  /** Evaluates the group at {@code at} and emits what it writes and sends. Package-private for tests. */
  private void evaluate(Prepared p, long at, Context ctx, Collector<AlertTransition> out) throws Exception {
    long start = System.nanoTime();
    EvaluationStorage storage = new EvaluationStorage();
    for (SeriesSamples s : series.values()) {
      storage.load(Labels.of(s.labels), s.timestamps, s.values());
    }
    Live kept = live.get(p.spec().key);
    GroupEvaluator ev;
    GroupState before;
    if (kept != null && kept.spec().sameContent(p.spec())) {
      ev = kept.evaluator();
      before = kept.state();
    } else {
      // first evaluation here (a start, a restore) or a changed definition: Prometheus's CopyState
      ev = new GroupEvaluator(p.plan().group(), engine, new EvaluatorSettings(p.plan().intervalMs(),
          options.externalLabels(), options.externalUrl(), options.resendDelayMs()));
      before = readState();
      if (before != null) {
        ev.importState(before);
      } else if (options.forStateRestore() != null) {
        ev.awaitForStateRestore(); // no state at all: a start without a checkpoint, or a new group
      }
    }
    GroupEvaluation result = ev.evaluate(storage, storage, at);
    if (ev.forStateRestoreDue()) {
      restoreForState(p, ev, at);
    }
    GroupState after = ev.exportState();
    evaluatorState.update(serialize(after));
    live.put(p.spec().key, new Live(p.spec(), ev, after));

    // what the rules wrote: to the samples topic, and back into this group's series when it selects them
    List<EvaluationStorage.Written> written = storage.written();
    emitSamples(p.spec().tenant, written, ctx);
    long oldest = at + p.plan().intervalMs() - p.plan().retentionMs();
    for (EvaluationStorage.Written w : written) {
      if (p.plan().selects(w.labels())) {
        merge(seriesKey(SeriesSamples.pairs(w.labels())), SeriesSamples.pairs(w.labels()), new long[] {w.timestampMs()},
            new double[] {w.value()}, oldest);
      }
    }
    alertEvents(p, at, before, after, result, out);
    trim(oldest);
    metrics.groupEvaluated(System.nanoTime() - start, result.errors().size());
  }

  /**
   * Prometheus's {@code RestoreForState}, after the second evaluation since the group started without state,
   * at that evaluation's time. When the series cannot be read, the alerts keep the {@code activeAt} they have
   * (as after an outage longer than the tolerance) rather than failing the job.
   */
  private void restoreForState(Prepared p, GroupEvaluator ev, long at) {
    ForStateSource.Restore r = options.forStateRestore();
    List<Labels> series = ev.forStateSeriesToRestore(r.gracePeriodMs());
    Queryable store = new EvaluationStorage();
    if (!series.isEmpty()) {
      try {
        store = r.source().read(p.spec().tenant, series, at - r.outageToleranceMs(), at);
      } catch (Exception e) {
        LOG.warn("rule group {}: cannot read ALERTS_FOR_STATE to restore the alerts' 'for' state; they start afresh: {}",
            p.spec().key, e.toString());
      }
    }
    ev.restoreForState(store, at, r.outageToleranceMs(), r.gracePeriodMs());
    if (!series.isEmpty()) {
      LOG.info("rule group {}: 'for' state of {} active alerts restored at {}", p.spec().key, series.size(), at);
    }
  }

  private void emitSamples(String tenant, List<EvaluationStorage.Written> written, Context ctx) {
    if (written.isEmpty()) {
      return;
    }
    // one element per partition; the series of each keep the order the rules wrote them in
    Map<Integer, Map<Labels, List<EvaluationStorage.Written>>> byPartition = new TreeMap<>();
    for (EvaluationStorage.Written w : written) {
      int partition = SeriesPartitioner.partition(tenant, w.labels(), options.samplesPartitions());
      byPartition.computeIfAbsent(partition, k -> new LinkedHashMap<>())
          .computeIfAbsent(w.labels(), k -> new ArrayList<>()).add(w);
    }
    for (var e : byPartition.entrySet()) {
      List<SeriesSamples> ss = new ArrayList<>();
      for (var s : e.getValue().entrySet()) {
        long[] ts = new long[s.getValue().size()];
        double[] vs = new double[ts.length];
        for (int i = 0; i < ts.length; i++) {
          ts[i] = s.getValue().get(i).timestampMs();
          vs[i] = s.getValue().get(i).value();
        }
        ss.add(new SeriesSamples(SeriesSamples.pairs(s.getKey()), ts, vs));
      }
      ctx.output(RULE_SAMPLES, new RuleSamples(tenant, e.getKey(), ss.toArray(new SeriesSamples[0])));
    }
    metrics.ruleSamplesWritten(written.size());
  }

  /**
   * The alert events of one evaluation: every alert the notifier sends now ({@code firing}, re-sent every
   * resend delay, and {@code resolved}, re-sent until it is forgotten 15 minutes later) with its
   * {@code startsAt}/{@code endsAt}; {@code pending} when an alert becomes pending; a tombstone when an alert
   * is gone from the rule's state (a pending one that stopped, a resolved one after its 15 minutes).
   */
  private void alertEvents(Prepared p, long at, GroupState before, GroupState after, GroupEvaluation result,
      Collector<AlertTransition> out) {
    Map<String, AlertSnapshot> prev = alertsOf(before);
    Map<String, AlertSnapshot> now = alertsOf(after);
    for (OutgoingAlert a : result.alerts()) {
      String[] labels = pairs(a.labels());
      String fp = Fingerprint.of(labels);
      AlertTransition t = transition(p, fp, labels, now.get(fp), at);
      t.state = a.resolved() ? AlertTransition.RESOLVED : AlertTransition.FIRING;
      t.annotations = pairs(a.annotations());
      t.startsAtMs = a.startsAtMs();
      t.endsAtMs = a.endsAtMs();
      t.generatorUrl = a.generatorURL();
      emit(t, out);
    }
    for (var e : now.entrySet()) {
      AlertSnapshot s = e.getValue();
      AlertSnapshot was = prev.get(e.getKey());
      if (s.state() == AlertState.PENDING && s.isActive()
          && (was == null || was.state() != AlertState.PENDING || !was.isActive() || was.activeAtMs() != s.activeAtMs())) {
        String[] labels = pairs(s.labels());
        AlertTransition t = transition(p, e.getKey(), labels, s, at);
        t.state = AlertTransition.PENDING;
        emit(t, out);
      }
    }
    for (var e : prev.entrySet()) {
      if (!now.containsKey(e.getKey())) {
        emit(tombstone(p.spec().tenant, p.name(), e.getKey(), e.getValue(), at), out);
      }
    }
  }

  private AlertTransition transition(Prepared p, String fp, String[] labels, AlertSnapshot s, long at) {
    AlertTransition t = new AlertTransition();
    t.fingerprint = fp;
    t.tenant = p.spec().tenant;
    t.ruleGroup = p.name();
    t.labels = labels;
    t.alertName = valueOf(labels, "alertname");
    t.evaluatedAtMs = at;
    if (s != null) {
      t.annotations = pairs(s.annotations());
      t.value = s.value();
      t.activeAtMs = s.activeAtMs() == AlertSnapshot.UNSET ? AlertTransition.NONE : s.activeAtMs();
      t.firedAtMs = s.firedAtMs() == AlertSnapshot.UNSET ? AlertTransition.NONE : s.firedAtMs();
      t.resolvedAtMs = s.resolvedAtMs() == AlertSnapshot.UNSET ? AlertTransition.NONE : s.resolvedAtMs();
    } else {
      t.annotations = new String[0];
    }
    return t;
  }

  private static AlertTransition tombstone(String tenant, String group, String fp, AlertSnapshot s, long at) {
    AlertTransition t = new AlertTransition();
    t.fingerprint = fp;
    t.tenant = tenant;
    t.ruleGroup = group;
    t.labels = pairs(s.labels());
    t.alertName = s.labels().getOrDefault("alertname", "");
    t.annotations = new String[0];
    t.evaluatedAtMs = at;
    t.state = null;
    return t;
  }

  private void emit(AlertTransition t, Collector<AlertTransition> out) {
    out.collect(t);
    metrics.alertEmitted(t.state == null ? "tombstone" : t.state);
  }

  private static Map<String, AlertSnapshot> alertsOf(GroupState st) {
    Map<String, AlertSnapshot> m = new LinkedHashMap<>();
    if (st != null) {
      for (GroupState.RuleState r : st.rules()) {
        for (AlertSnapshot a : r.alerts()) {
          m.put(Fingerprint.of(pairs(a.labels())), a);
        }
      }
    }
    return m;
  }

  /** Drops samples before {@code oldest} and series left empty. */
  private void trim(long oldest) throws Exception {
    Iterator<Map.Entry<String, SeriesSamples>> it = series.iterator();
    List<Map.Entry<String, SeriesSamples>> changed = new ArrayList<>();
    while (it.hasNext()) {
      Map.Entry<String, SeriesSamples> e = it.next();
      long[] ts = e.getValue().timestamps;
      int from = 0;
      while (from < ts.length && ts[from] < oldest) {
        from++;
      }
      if (from == ts.length) {
        it.remove();
      } else if (from > 0) {
        SeriesSamples s = e.getValue();
        changed.add(Map.entry(e.getKey(), new SeriesSamples(s.labels, Arrays.copyOfRange(ts, from, ts.length),
            Arrays.copyOfRange(s.values(), from, ts.length))));
      }
    }
    for (var e : changed) {
      series.put(e.getKey(), e.getValue());
    }
  }

  /**
   * The group's status: the live evaluator's (health, last error and timings of its last evaluation) when it
   * runs this definition, else every rule {@code unknown} with the group's last evaluation times from its state
   * (a new or changed definition: Prometheus's rules start unknown after a reload, the group keeps its times).
   */
  private void emitStatus(Prepared p, Context ctx) throws Exception {
    Live l = live.get(p.spec().key);
    Long at = lastEvaluation.value();
    long evaluatedAt = at == null ? AlertSnapshot.UNSET : at;
    io.strata.avro.RuleGroupStatus s;
    if (l != null && l.spec().sameContent(p.spec())) {
      GroupEvaluator ev = l.evaluator();
      s = GroupStatuses.of(p.spec().tenant, p.namespace(), p.plan().group(), p.plan().intervalMs(), ev::ruleStatus,
          ev.evaluationNanos(), ev.lastEvaluationMs(), evaluatedAt);
    } else {
      GroupState st = readState();
      s = GroupStatuses.of(p.spec().tenant, p.namespace(), p.plan().group(), p.plan().intervalMs(), i -> RuleStatus.NEW,
          st == null ? 0 : st.evaluationNanos(), st == null ? AlertSnapshot.UNSET : st.lastEvaluationMs(), evaluatedAt);
    }
    ctx.output(GROUP_STATUS, new GroupStatus(p.spec().key, GroupStatuses.encode(s)));
  }

  // ---- deletion ------------------------------------------------------------------------------------

  /**
   * Removes the group: stale markers for every series its rules wrote (as Prometheus marks a removed group's
   * series stale), tombstones for its alerts, then every state entry and its timer.
   */
  private void delete(Context ctx, Collector<AlertTransition> out) throws Exception {
    GroupSpec spec = specState.value();
    GroupState st = readState();
    Long last = lastEvaluation.value();
    long wm = ctx.timerService().currentWatermark();
    if (spec != null && st != null && last != null) {
      long at = Math.max(last + 1, wm);
      List<EvaluationStorage.Written> stale = new ArrayList<>();
      List<Map<String, String>> seriesWritten = new ArrayList<>(st.staleSeries());
      for (GroupState.RuleState r : st.rules()) {
        seriesWritten.addAll(r.previousSeries());
      }
      for (Map<String, String> l : seriesWritten) {
        stale.add(new EvaluationStorage.Written(Labels.fromMap(l), at, StaleMarker.VALUE));
      }
      emitSamples(spec.tenant, stale, ctx);
      String name = groupName(spec);
      for (var e : alertsOf(st).entrySet()) {
        emit(tombstone(spec.tenant, name, e.getKey(), e.getValue(), at), out);
      }
    }
    Long next = nextEvaluation.value();
    if (next != null) {
      ctx.timerService().deleteEventTimeTimer(next);
    }
    if (spec != null) {
      prepared.remove(spec.key);
      live.remove(spec.key);
    }
    ctx.output(GROUP_STATUS, new GroupStatus(ctx.getCurrentKey(), null));
    clearState();
  }

  private void clearState() {
    specState.clear();
    series.clear();
    evaluatorState.clear();
    nextEvaluation.clear();
    lastEvaluation.clear();
  }

  // ---- helpers -------------------------------------------------------------------------------------

  private Prepared prepare(GroupSpec spec) {
    Prepared p = prepared.get(spec.key);
    if (p != null && p.spec().sameContent(spec)) {
      return p;
    }
    try {
      io.strata.avro.RuleGroup a = RuleGroups.decode(spec.avro);
      RuleGroup g = RuleGroups.fromAvro(a);
      p = new Prepared(spec, new GroupPlan(spec.key, g, options.lookbackDeltaMs(), options.defaultIntervalMs(),
          options.spreadEvaluations()), a.getNamespace(), a.getName());
    } catch (RuntimeException e) {
      LOG.error("rule group {} cannot be evaluated: {}", spec.key, e.getMessage());
      metrics.badRuleUpdate();
      return null;
    }
    prepared.put(spec.key, p);
    return p;
  }

  private String groupName(GroupSpec spec) {
    Prepared p = prepare(spec);
    return p == null ? spec.key : p.name();
  }

  private GroupState readState() throws IOException {
    byte[] b = evaluatorState.value();
    if (b == null) {
      return null;
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(b))) {
      return (GroupState) in.readObject();
    } catch (ClassNotFoundException | java.io.InvalidClassException e) {
      // a checkpoint written by another version of the evaluator: start the group afresh, as after a reload
      LOG.warn("rule group {}: evaluator state from a checkpoint cannot be read ({}); starting it afresh",
          getCurrentKeyOrNull(), e.toString());
      return null;
    }
  }

  private String getCurrentKeyOrNull() {
    GroupSpec s;
    try {
      s = specState.value();
    } catch (Exception e) {
      return null;
    }
    return s == null ? null : s.key;
  }

  private static byte[] serialize(GroupState st) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (ObjectOutputStream o = new ObjectOutputStream(bytes)) {
      o.writeObject(st);
    }
    return bytes.toByteArray();
  }

  private static String[] pairs(Map<String, String> m) {
    String[] p = new String[m.size() * 2];
    int i = 0;
    for (var e : new TreeMap<>(m).entrySet()) {
      p[i++] = e.getKey();
      p[i++] = e.getValue();
    }
    return p;
  }

  private static String valueOf(String[] pairs, String name) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(name)) {
        return pairs[i + 1];
      }
    }
    return "";
  }
}
