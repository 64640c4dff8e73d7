package io.strata.flink.job;

import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.metrics.StageMetrics;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.Routed;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.GroupPlan;
import io.strata.flink.rules.RuleGroups;
import io.strata.schemas.model.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes decoded sample batches to the rule groups that need them (the Ververica dynamic-rules shape): the
 * groups are broadcast state (those pushed to {@code metrics.rules}) plus the groups of the rule files (given
 * to the constructor); for each series, one {@link Routed} element per group of the batch's tenant one of
 * whose selectors matches it, so a group's evaluator receives only the series it reads.
 *
 * <p>A group's definition travels to its evaluator in-band: when an update arrives on the broadcast side
 * (and, for the rule files, once after each start) the router emits a {@link Routed#GROUP}
 * or {@link Routed#DELETE} element keyed by the group. Undecodable records go to {@link #DEAD_LETTERS}.
 */
public class RouteSamples extends BroadcastProcessFunction<DecodedBatch, GroupSpec, Routed> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RouteSamples.class);

  /** Broadcast state: the groups pushed to the rules topic, by key. */
  public static final MapStateDescriptor<String, GroupSpec> PUSHED_GROUPS =
      new MapStateDescriptor<>("pushed-rule-groups", Types.STRING, TypeInformation.of(GroupSpec.class));

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private final List<GroupSpec> fileGroups;
  private final long lookbackDeltaMs;
  private final long defaultIntervalMs;
  private final String metricsHook;

  private transient Map<String, GroupPlan> plans;
  private transient Map<String, GroupSpec> planSpecs;
  private transient boolean fileGroupsAnnounced;
  private transient StageMetrics metrics;

  public RouteSamples(List<GroupSpec> fileGroups, long lookbackDeltaMs, long defaultIntervalMs, String metricsHook) {
    this.fileGroups = new ArrayList<>(fileGroups);
    this.lookbackDeltaMs = lookbackDeltaMs;
    this.defaultIntervalMs = defaultIntervalMs;
    this.metricsHook = metricsHook;
  }

  @Override
  public void open(OpenContext ctx) {
    plans = new HashMap<>();
    planSpecs = new HashMap<>();
    metrics = MetricsHooks.lookup(metricsHook);
  }

  @Override
  public void processElement(DecodedBatch b, ReadOnlyContext ctx, Collector<Routed> out) throws Exception {
    metrics.recordsRead(1);
    if (b.deadLetter != null) {
      ctx.output(DEAD_LETTERS, b.deadLetter);
      metrics.deadLettered(b.deadLetter.reason);
      return;
    }
    ReadOnlyBroadcastState<String, GroupSpec> pushed = ctx.getBroadcastState(PUSHED_GROUPS);
    if (!fileGroupsAnnounced) {
      announceFileGroups(pushed, out);
    }
    List<Map.Entry<String, GroupPlan>> groups = groupsOf(b.tenant, pushed);
    boolean fromRules = DecodedBatch.RULE_SOURCE.equals(b.source);
    long decoded = 0;
    for (SeriesSamples s : b.series) {
      decoded += s.timestamps.length;
      if (groups.isEmpty() || s.timestamps.length == 0) {
        continue;
      }
      Labels labels = Labels.of(s.labels);
      for (Map.Entry<String, GroupPlan> g : groups) {
        if (g.getValue().selects(labels)) {
          out.collect(Routed.samples(g.getKey(), s, fromRules));
        }
      }
    }
    metrics.samplesDecoded(decoded);
  }

  /** The effective groups of a tenant: pushed ones, and the files' ones no pushed group overrides. */
  private List<Map.Entry<String, GroupPlan>> groupsOf(String tenant, ReadOnlyBroadcastState<String, GroupSpec> pushed)
      throws Exception {
    Map<String, GroupSpec> effective = new LinkedHashMap<>();
    for (GroupSpec g : fileGroups) {
      if (g.tenant.equals(tenant)) {
        effective.put(g.key, g);
      }
    }
    for (Map.Entry<String, GroupSpec> e : pushed.immutableEntries()) {
      if (e.getValue().tenant.equals(tenant)) {
        effective.put(e.getKey(), e.getValue());
      }
    }
    List<Map.Entry<String, GroupPlan>> out = new ArrayList<>(effective.size());
    for (GroupSpec g : effective.values()) {
      GroupPlan p = plan(g);
      if (p != null) {
        out.add(Map.entry(g.key, p));
      }
    }
    return out;
  }

  private GroupPlan plan(GroupSpec g) {
    GroupSpec had = planSpecs.get(g.key);
    if (had != null && had.sameContent(g) && plans.containsKey(g.key)) {
      return plans.get(g.key);
    }
    GroupPlan p;
    try {
      p = new GroupPlan(g.key, RuleGroups.fromAvro(RuleGroups.decode(g.avro)), lookbackDeltaMs, defaultIntervalMs, false);
    } catch (RuntimeException e) {
      p = null;
    }
    plans.put(g.key, p);
    planSpecs.put(g.key, g);
    return p;
  }

  /**
   * After every start (on the rules stream's first element, or the first batch, whichever comes first): the
   * evaluators learn the files' current groups, and drop the ones gone at their next evaluation.
   */
  private void announceFileGroups(ReadOnlyBroadcastState<String, GroupSpec> pushed, Collector<Routed> out) throws Exception {
    for (GroupSpec g : fileGroups) {
      if (!pushed.contains(g.key)) {
        out.collect(Routed.group(g));
      }
    }
    fileGroupsAnnounced = true;
  }

  @Override
  public void processBroadcastElement(GroupSpec g, Context ctx, Collector<Routed> out) throws Exception {
    BroadcastState<String, GroupSpec> pushed = ctx.getBroadcastState(PUSHED_GROUPS);
    if (g.isStarted()) {
      if (!fileGroupsAnnounced) {
        announceFileGroups(pushed, out);
      }
      return;
    }
    GroupSpec had = pushed.get(g.key);
    if (had != null && had.version >= g.version) {
      return;
    }
    if (g.isDelete()) {
      pushed.remove(g.key);
      plans.remove(g.key);
      planSpecs.remove(g.key);
      out.collect(Routed.group(g));
      return;
    }
    try {
      RuleGroups.fromAvro(RuleGroups.decode(g.avro));
    } catch (RuntimeException e) {
      LOG.error("rule group {} from the rules topic is ignored: {}", g.key, e.getMessage());
      metrics.badRuleUpdate();
      return;
    }
    pushed.put(g.key, g);
    out.collect(Routed.group(g));
  }
}
