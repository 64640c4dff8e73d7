package io.strata.flink.decode;

import io.strata.avro.Label;
import io.strata.avro.Sample;
import io.strata.avro.SampleBatch;
import io.strata.avro.Series;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.metrics.StageMetrics;
import io.strata.flink.model.DeadLetter;
import io.strata.flink.model.RawRecord;
import io.strata.flink.model.SeriesSamples;
import io.strata.flink.rules.RuleSet;
import io.strata.schemas.model.Labels;
import io.strata.schemas.registry.SchemaRegistries;
import io.strata.schemas.registry.SchemaRegistry;
import io.strata.schemas.serde.AvroWireSerde;
import io.strata.schemas.serde.WireFormatException;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes Confluent wire-format {@code SampleBatch} records into one {@link SeriesSamples} per series,
 * keeping only series that some alerting rule selects (the rest never cross the shuffle). A record that
 * fails to decode goes to the {@link #DEAD_LETTERS} side output with the {@link WireFormatException}
 * reason; the job carries on. A registry that cannot be reached is not the record's fault: that exception
 * propagates, the job fails and Flink's restart strategy retries from the last checkpoint.
 *
 * <p>The registry client is created in {@link #open} (it is not serializable); only its URL travels in
 * the job graph.
 */
public class DecodeSamples extends ProcessFunction<RawRecord, SeriesSamples> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<DeadLetter> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

  private final String registryUrl;
  private final RuleSet rules;
  private final String metricsHook;

  private transient SchemaRegistry registry;
  private transient AvroWireSerde<SampleBatch> serde;
  private transient StageMetrics metrics;

  public DecodeSamples(String registryUrl, RuleSet rules, String metricsHook) {
    this.registryUrl = registryUrl;
    this.rules = rules;
    this.metricsHook = metricsHook;
  }

  @Override
  public void open(OpenContext ctx) {
    registry = SchemaRegistries.forUrl(registryUrl);
    serde = new AvroWireSerde<>(registry, SampleBatch.class);
    metrics = MetricsHooks.lookup(metricsHook);
  }

  @Override
  public void close() throws Exception {
    if (registry != null) {
      registry.close();
    }
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<SeriesSamples> out) {
    metrics.recordsRead(1);
    SampleBatch batch;
    try {
      batch = serde.deserialize(r.value);
    } catch (WireFormatException e) {
      String reason = e.reason().name();
      ctx.output(DEAD_LETTERS, new DeadLetter(r, reason, e.getMessage()));
      metrics.deadLettered(reason);
      return;
    }
    String tenant = batch.getTenant();
    long decoded = 0;
    long batchMax = Long.MIN_VALUE;
    for (Series s : batch.getSeries()) {
      List<Sample> samples = s.getSamples();
      for (int i = 0; i < samples.size(); i++) {
        batchMax = Math.max(batchMax, samples.get(i).getTimestampMs());
      }
    }
    boolean emitted = false;
    for (Series s : batch.getSeries()) {
      List<Sample> samples = s.getSamples();
      decoded += samples.size();
      if (samples.isEmpty() || !rules.mayMatchName(metricName(s.getLabels()))) {
        continue;
      }
      String[] pairs = sortedPairs(s.getLabels());
      if (!rules.anyMatches(metricNameOfPairs(pairs), pairs)) {
        continue;
      }
      long[] ts = new long[samples.size()];
      double[] vs = new double[samples.size()];
      for (int i = 0; i < ts.length; i++) {
        Sample x = samples.get(i);
        ts[i] = x.getTimestampMs();
        vs[i] = x.getValue();
      }
      out.collect(new SeriesSamples(tenant, pairs, ts, vs, batchMax));
      emitted = true;
    }
    if (!emitted && decoded > 0) {
      out.collect(SeriesSamples.progress(batchMax));
    }
    metrics.samplesDecoded(decoded);
  }

  private static String metricName(List<Label> labels) {
    for (int i = 0; i < labels.size(); i++) {
      Label l = labels.get(i);
      if (l.getName().equals(Labels.METRIC_NAME)) {
        return l.getValue();
      }
    }
    return null;
  }

  static String metricNameOfPairs(String[] pairs) {
    for (int i = 0; i < pairs.length; i += 2) {
      if (pairs[i].equals(Labels.METRIC_NAME)) {
        return pairs[i + 1];
      }
    }
    return null;
  }

  /** Label pairs sorted by name; the contract says they arrive sorted, a producer that breaks it is fixed up. */
  static String[] sortedPairs(List<Label> labels) {
    String[] p = new String[labels.size() * 2];
    boolean sorted = true;
    for (int i = 0; i < labels.size(); i++) {
      p[2 * i] = labels.get(i).getName();
      p[2 * i + 1] = labels.get(i).getValue();
      if (i > 0 && p[2 * i].compareTo(p[2 * i - 2]) <= 0) {
        sorted = false;
      }
    }
    if (sorted) {
      return p;
    }
    Labels l = Labels.fromAvro(labels);
    String[] q = new String[l.size() * 2];
    for (int i = 0; i < l.size(); i++) {
      q[2 * i] = l.name(i);
      q[2 * i + 1] = l.value(i);
    }
    return q;
  }
}
