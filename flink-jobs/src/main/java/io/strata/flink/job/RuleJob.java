package io.strata.flink.job;

import io.strata.flink.AlertRuleSettings;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.DecodedBatch;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.GroupStatus;
import io.strata.flink.model.Routed;
import io.strata.flink.model.RuleSamples;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The rule job:
 * <pre>
 *   samples source (decode, per-partition watermarks) --+--&gt; route to groups --keyBy(group)--&gt; evaluate --+--&gt; alerts sink
 *   rules source --&gt; rules out of event time --broadcast--/        \--&gt; dead-letter sink            +--&gt; rule samples sink
 *                                                                                                  \--&gt; rule status sink
 * </pre>
 * Sources and sinks are given to the constructor, so tests can swap Kafka for in-memory ones; the job only
 * wires operators onto a given environment. Every operator has a stable {@code uid} (state in a checkpoint is
 * matched by it: never change these strings) and a readable {@code name}.
 */
public final class RuleJob {
  public static final String UID_SOURCE = "samples-source";
  public static final String UID_RULES_SOURCE = "rules-source";
  public static final String UID_RULES_WATERMARK = "rules-watermark";
  public static final String UID_ROUTE = "route-samples";
  public static final String UID_EVALUATE = "evaluate-rule-groups";
  public static final String UID_ALERTS_SINK = "alerts-sink";
  public static final String UID_SAMPLES_SINK = "rule-samples-sink";
  public static final String UID_DEADLETTER_SINK = "deadletter-sink";
  public static final String UID_STATUS_SINK = "rule-status-sink";

  private final List<GroupSpec> fileGroups;
  private final AlertRuleSettings settings;
  private final int samplesPartitions;
  private final String metricsHook;
  private final SampleWatermarks.Clock clock;
  private final ForStateSource forState;
  private final Source<DecodedBatch, ?, ?> samples;
  private final Source<GroupSpec, ?, ?> rules;
  private final Sink<AlertTransition> alertSink;
  private final Sink<RuleSamples> samplesSink;
  private final Sink<DeadLetter> deadLetterSink;
  private final Sink<GroupStatus> statusSink;

  /**
   * @param fileGroups the groups of the rule files
   * @param samplesPartitions partitions of the samples topic (rule output goes to each series' partition)
   * @param metricsHook {@code MetricsHooks} id the operators count into, or null
   * @param clock the wall clock of the watermark floor
   * @param forState where groups that start without state read {@code ALERTS_FOR_STATE} to restore their alerts'
   *     {@code for} progress; null: they start afresh, as groups added to a running Prometheus
   */
  public RuleJob(List<GroupSpec> fileGroups, AlertRuleSettings settings, int samplesPartitions, String metricsHook,
      SampleWatermarks.Clock clock, ForStateSource forState, Source<DecodedBatch, ?, ?> samples, Source<GroupSpec, ?, ?> rules,
      Sink<AlertTransition> alertSink, Sink<RuleSamples> samplesSink, Sink<DeadLetter> deadLetterSink,
      Sink<GroupStatus> statusSink) {
    this.fileGroups = List.copyOf(fileGroups);
    this.settings = settings;
    this.samplesPartitions = samplesPartitions;
    this.metricsHook = metricsHook;
    this.clock = clock;
    this.forState = forState;
    this.samples = samples;
    this.rules = rules;
    this.alertSink = alertSink;
    this.samplesSink = samplesSink;
    this.deadLetterSink = deadLetterSink;
    this.statusSink = statusSink;
  }

  /** The evaluator's options from the settings. */
  public static EvaluateGroups.Options options(AlertRuleSettings s, int samplesPartitions, SampleWatermarks.Clock clock,
      ForStateSource forState) {
    return new EvaluateGroups.Options(s.lookbackDelta().toMillis(), s.evaluationInterval().toMillis(),
        s.resendDelay().toMillis(), s.externalUrl(), Map.copyOf(s.externalLabels()), s.spreadEvaluations(),
        samplesPartitions, s.maxEvaluationAge().toMillis(), clock, forState == null ? null
            : new ForStateSource.Restore(forState, s.forOutageTolerance().toMillis(), s.forGracePeriod().toMillis()));
  }

  /** Adds the pipeline to the environment; the caller executes it. Returns the alert stream. */
  public DataStream<AlertTransition> build(StreamExecutionEnvironment env) {
    long outOfOrderness = settings.maxOutOfOrderness().toMillis();
    long wallClockDelay = settings.wallClockDelay().toMillis();
    SampleWatermarks.Clock wallClock = clock;
    // per Kafka partition: the source runs a generator per split and emits their minimum; the split's input
    // activity clock stands still while the source is backpressured, so only a caught-up partition is idle
    WatermarkStrategy<DecodedBatch> eventTime = WatermarkStrategy
        .<DecodedBatch>forGenerator(ctx -> new SampleWatermarks(outOfOrderness, wallClockDelay, wallClock,
            ctx.getInputActivityClock()))
        .withTimestampAssigner((b, recordTs) -> b.deadLetter == null && b.maxTimestampMs != Long.MIN_VALUE ? b.maxTimestampMs : recordTs);
    DataStream<DecodedBatch> batches = env.fromSource(samples, eventTime, "samples source").uid(UID_SOURCE);

    BroadcastStream<GroupSpec> groups = env
        .fromSource(rules, WatermarkStrategy.noWatermarks(), "rules source")
        .uid(UID_RULES_SOURCE)
        .setParallelism(1)
        .transform("rules out of event time", TypeInformation.of(GroupSpec.class), new RulesWatermark())
        .uid(UID_RULES_WATERMARK)
        .setParallelism(1)
        .broadcast(RouteSamples.PUSHED_GROUPS);

    SingleOutputStreamOperator<Routed> routed = batches
        .connect(groups)
        .process(new RouteSamples(fileGroups, settings.lookbackDelta().toMillis(),
            settings.evaluationInterval().toMillis(), metricsHook))
        .uid(UID_ROUTE)
        .name("route samples to rule groups");

    routed.getSideOutput(RouteSamples.DEAD_LETTERS)
        .sinkTo(deadLetterSink)
        .uid(UID_DEADLETTER_SINK)
        .name("dead-letter sink");

    SingleOutputStreamOperator<AlertTransition> alerts = routed
        .keyBy(new ByGroup())
        .process(new EvaluateGroups(fileGroups, options(settings, samplesPartitions, clock, forState), metricsHook))
        .uid(UID_EVALUATE)
        .name("evaluate rule groups");

    alerts.getSideOutput(EvaluateGroups.RULE_SAMPLES)
        .sinkTo(samplesSink)
        .uid(UID_SAMPLES_SINK)
        .name("rule samples sink");

    alerts.getSideOutput(EvaluateGroups.GROUP_STATUS)
        .sinkTo(statusSink)
        .uid(UID_STATUS_SINK)
        .name("rule status sink");

    alerts.sinkTo(alertSink)
        .uid(UID_ALERTS_SINK)
        .name("alerts sink");
    return alerts;
  }

  /** The Flink key: the group's {@code tenant/namespace/group}. */
  public static final class ByGroup implements KeySelector<Routed, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(Routed r) {
      return r.groupKey;
    }
  }
}
