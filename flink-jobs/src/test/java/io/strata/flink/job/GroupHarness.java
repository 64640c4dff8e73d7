package io.strata.flink.job;

import io.strata.flink.TestSeries;
import io.strata.flink.model.AlertTransition;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.model.GroupStatus;
import io.strata.flink.rules.GroupStatuses;
import io.strata.flink.model.Routed;
import io.strata.flink.model.RuleSamples;
import io.strata.flink.model.SeriesSamples;
import io.strata.schemas.model.Labels;
import io.strata.schemas.model.StaleMarker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/** The evaluator in a keyed operator harness, with intent-named inputs and readable outputs. */
final class GroupHarness implements AutoCloseable {
  final KeyedOneInputStreamOperatorTestHarness<String, Routed, AlertTransition> h;

  GroupHarness(List<GroupSpec> fileGroups, EvaluateGroups.Options options, String hook, OperatorSubtaskState restore)
      throws Exception {
    h = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EvaluateGroups(fileGroups, options, hook)),
        new RuleJob.ByGroup(), Types.STRING);
    if (restore != null) {
      h.initializeState(restore);
    }
    h.open();
  }

  /** Options for tests: grid at multiples of the interval, every time evaluated, 4 partitions. */
  static EvaluateGroups.Options options(long intervalMs) {
    return new EvaluateGroups.Options(300_000, intervalMs, 60_000, "http://strata:9090", Map.of(), false, 4, 0,
        System::currentTimeMillis);
  }

  void define(GroupSpec g) throws Exception {
    h.processElement(Routed.group(g), Long.MIN_VALUE);
  }

  void samples(String groupKey, TestSeries... series) throws Exception {
    for (TestSeries s : series) {
      SeriesSamples ss = s.build();
      h.processElement(Routed.samples(groupKey, ss, false), ss.timestamps[ss.timestamps.length - 1]);
    }
  }

  void watermark(long t) throws Exception {
    h.processWatermark(t);
  }

  /** Alert events since the last call. */
  List<AlertTransition> alerts() {
    List<AlertTransition> out = new ArrayList<>(h.extractOutputValues());
    h.getOutput().clear();
    return out;
  }

  /** Samples written since the last call, as {@code labels@ts=value} ({@code stale} for a stale marker). */
  List<String> written() {
    List<String> out = new ArrayList<>();
    var q = h.getSideOutput(EvaluateGroups.RULE_SAMPLES);
    if (q == null) {
      return out;
    }
    for (StreamRecord<RuleSamples> r : q) {
      for (SeriesSamples s : r.getValue().series) {
        for (int i = 0; i < s.timestamps.length; i++) {
          out.add(Labels.of(s.labels) + "@" + s.timestamps[i] + "="
              + (StaleMarker.isStale(s.value(i)) ? "stale" : Double.toString(s.value(i))));
        }
      }
    }
    q.clear();
    return out;
  }

  /** Group statuses since the last call, as {@code key -> RuleGroupStatus} (null value: removed), in order. */
  List<Map.Entry<String, io.strata.avro.RuleGroupStatus>> statuses() {
    List<Map.Entry<String, io.strata.avro.RuleGroupStatus>> out = new ArrayList<>();
    var q = h.getSideOutput(EvaluateGroups.GROUP_STATUS);
    if (q == null) {
      return out;
    }
    for (StreamRecord<GroupStatus> r : q) {
      GroupStatus s = r.getValue();
      out.add(new java.util.AbstractMap.SimpleEntry<>(s.key, s.isTombstone() ? null : GroupStatuses.decode(s.avro)));
    }
    q.clear();
    return out;
  }

  /** The timestamps a group keeps for one series. */
  long[] kept(String groupKey, TestSeries s) throws Exception {
    SeriesSamples ss = seriesState(groupKey, false).get(EvaluateGroups.seriesKey(s.labels()));
    return ss == null ? new long[0] : ss.timestamps;
  }

  /** A group's series map: the current one ("series-v2"), or the one versions before it kept ("series"). */
  MapState<String, SeriesSamples> seriesState(String groupKey, boolean legacy) throws Exception {
    @SuppressWarnings("unchecked")
    KeyedStateBackend<Object> backend = h.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(groupKey);
    MapStateDescriptor<String, SeriesSamples> d = legacy
        ? new MapStateDescriptor<>("series", Types.STRING, TypeInformation.of(SeriesSamples.class))
        : new MapStateDescriptor<>("series-v2", SeriesStateSerializers.Key.INSTANCE, SeriesStateSerializers.Series.INSTANCE);
    return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d);
  }

  OperatorSubtaskState snapshot() throws Exception {
    return h.snapshot(1, 1);
  }

  @Override
  public void close() throws Exception {
    h.close();
  }
}
