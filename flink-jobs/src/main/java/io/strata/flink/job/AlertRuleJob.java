package io.strata.flink.job;

import io.strata.flink.AlertRuleSettings;
import io.strata.flink.decode.DecodeSamples;
import io.strata.flink.eval.AlertEvaluator;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.RawRecord;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.RuleSet;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The alert rule pipeline:
 * <pre>
 *   samples source --&gt; decode (+ dead letters) --&gt; event time --&gt; keyBy(series) --&gt; evaluate --&gt; alerts sink
 *                            \--&gt; dead-letter sink
 * </pre>
 * Source and sinks are given to the constructor, so tests can swap Kafka for in-memory ones; the job only
 * wires operators onto a given environment. Every operator has a stable {@code uid} (state in a checkpoint
 * is matched by it: never change these strings) and a readable {@code name}.
 */
public final class AlertRuleJob {
  public static final String UID_SOURCE = "samples-source";
  public static final String UID_DECODE = "decode-samples";
  public static final String UID_EVENT_TIME = "sample-event-time";
  public static final String UID_EVALUATE = "evaluate-alert-rules";
  public static final String UID_ALERTS_SINK = "alerts-sink";
  public static final String UID_DEADLETTER_SINK = "deadletter-sink";

  private final RuleSet rules;
  private final AlertRuleSettings settings;
  private final String registryUrl;
  private final String metricsHook;
  private final Source<RawRecord, ?, ?> source;
  private final Sink<AlertTransition> alertSink;
  private final Sink<DeadLetter> deadLetterSink;

  /**
   * @param rules the alerting rules
   * @param settings watermark, lookback and URL settings (parallelism is the environment's)
   * @param registryUrl schema registry for decoding samples ({@code mock://} in unit tests)
   * @param metricsHook {@code MetricsHooks} id the operators count into, or null
   */
  public AlertRuleJob(RuleSet rules, AlertRuleSettings settings, String registryUrl, String metricsHook,
      Source<RawRecord, ?, ?> source, Sink<AlertTransition> alertSink, Sink<DeadLetter> deadLetterSink) {
    this.rules = rules;
    this.settings = settings;
    this.registryUrl = registryUrl;
    this.metricsHook = metricsHook;
    this.source = source;
    this.alertSink = alertSink;
    this.deadLetterSink = deadLetterSink;
  }

  /** Adds the pipeline to the environment; the caller executes it. Returns the alert stream. */
  public DataStream<AlertTransition> build(StreamExecutionEnvironment env) {
    DataStream<RawRecord> raw = env
        .fromSource(source, WatermarkStrategy.noWatermarks(), "samples source")
        .uid(UID_SOURCE);

    SingleOutputStreamOperator<SeriesSamples> series = raw
        .process(new DecodeSamples(registryUrl, rules, metricsHook))
        .uid(UID_DECODE)
        .name("decode SampleBatch");

    series.getSideOutput(DecodeSamples.DEAD_LETTERS)
        .sinkTo(deadLetterSink)
        .uid(UID_DEADLETTER_SINK)
        .name("dead-letter sink");

    // Watermarks are generated after decoding, from the largest sample timestamp of each batch, per
    // decode subtask (not per Kafka partition: the Kafka record timestamp is not the sample time).
    WatermarkStrategy<SeriesSamples> eventTime = WatermarkStrategy
        .<SeriesSamples>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
        .withTimestampAssigner(new BatchEventTime())
        .withIdleness(settings.idleTimeout());

    SingleOutputStreamOperator<AlertTransition> alerts = series
        .assignTimestampsAndWatermarks(eventTime)
        .uid(UID_EVENT_TIME)
        .name("sample event time")
        .keyBy(new BySeries())
        .process(new AlertEvaluator(rules, settings.lookbackDelta().toMillis(), settings.externalUrl(), metricsHook))
        .uid(UID_EVALUATE)
        .name("evaluate alerting rules");

    alerts.sinkTo(alertSink)
        .uid(UID_ALERTS_SINK)
        .name("alerts sink");
    return alerts;
  }

  /** The Flink key: tenant + sorted labels. */
  public static final class BySeries implements KeySelector<SeriesSamples, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(SeriesSamples s) {
      return s.seriesKey;
    }
  }

  /** Event time of an element: the newest sample timestamp of its batch. */
  public static final class BatchEventTime implements SerializableTimestampAssigner<SeriesSamples> {
    private static final long serialVersionUID = 1L;

    @Override
    public long extractTimestamp(SeriesSamples s, long recordTimestamp) {
      return s.eventTime;
    }
  }
}
