package io.strata.flink.job;

import io.strata.flink.model.GroupSpec;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Takes the rules stream out of event time: it forwards rule updates, drops the watermarks and idleness of
 * the rules source and emits the largest watermark once, so the router's watermark (the minimum of its two
 * inputs) is the samples' watermark alone, whether the rules topic is quiet, empty or has fewer partitions
 * than the source has subtasks. After every start it first emits {@link GroupSpec#started()}, on which the
 * router announces the rule files' groups.
 */
public final class RulesWatermark extends AbstractStreamOperator<GroupSpec> implements OneInputStreamOperator<GroupSpec, GroupSpec> {
  private static final long serialVersionUID = 1L;

  @Override
  public void open() throws Exception {
    super.open();
    output.emitWatermark(new Watermark(Long.MAX_VALUE));
    output.collect(new StreamRecord<>(GroupSpec.started()));
  }

  @Override
  public void processElement(StreamRecord<GroupSpec> element) {
    output.collect(element);
  }

  @Override
  public void processWatermark(Watermark mark) {
    // the rules stream never holds event time back
  }

  @Override
  public void processWatermarkStatus(WatermarkStatus status) {
    // nor marks it idle
  }
}
