package io.strata.flink.rules;

import io.strata.avro.RuleEvaluationStatus;
import io.strata.avro.RuleGroupStatus;
import io.strata.avro.RuleType;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleGroup;
import io.strata.promql.rules.eval.AlertSnapshot;
import io.strata.promql.rules.eval.RuleHealth;
import io.strata.promql.rules.eval.RuleStatus;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Maps a group and its evaluator's {@link RuleStatus}es to the {@code RuleGroupStatus} record of
 * {@code metrics.rules.status}: what Prometheus's {@code /api/v1/rules} shows of a group (name, file, interval,
 * limit, each rule's definition) plus how its last evaluation went (health, last error, durations, wall-clock
 * start), and the binary Avro form the job carries it in.
 */
public final class GroupStatuses {
  private GroupStatuses() {}

  /**
   * @param intervalMs the interval the group runs at (its own or the default)
   * @param ruleStatus the status of rule i ({@link RuleStatus#NEW} before its first evaluation)
   * @param evaluationNanos duration of the group's last evaluation
   * @param lastEvaluationMs wall-clock start of the group's last evaluation, {@link AlertSnapshot#UNSET} before the first
   * @param evaluatedAtMs event time of the last evaluation, {@link AlertSnapshot#UNSET} before the first
   */
  public static RuleGroupStatus of(String tenant, String namespace, RuleGroup group, long intervalMs,
      IntFunction<RuleStatus> ruleStatus, long evaluationNanos, long lastEvaluationMs, long evaluatedAtMs) {
    List<RuleEvaluationStatus> rules = new ArrayList<>(group.rules().size());
    for (int i = 0; i < group.rules().size(); i++) {
      Rule r = group.rules().get(i);
      RuleStatus s = ruleStatus.apply(i);
      rules.add(RuleEvaluationStatus.newBuilder()
          .setType(r.isAlerting() ? RuleType.alerting : RuleType.recording)
          .setName(r.name())
          .setQuery(r.expr().toString())
          .setForMs(r.forMs())
          .setKeepFiringForMs(r.keepFiringForMs())
          .setLabels(new LinkedHashMap<>(r.labels()))
          .setAnnotations(new LinkedHashMap<>(r.annotations()))
          .setHealth(health(s.health()))
          .setLastError(s.lastError() == null ? "" : s.lastError())
          .setEvaluationTimeSeconds(s.evaluationNanos() / 1e9)
          .setLastEvaluationMs(s.lastEvaluationMs() == AlertSnapshot.UNSET ? null : s.lastEvaluationMs())
          .build());
    }
    return RuleGroupStatus.newBuilder()
        .setTenant(tenant)
        .setNamespace(namespace)
        .setName(group.name())
        .setIntervalMs(intervalMs)
        .setLimit(group.limit())
        .setEvaluationTimeSeconds(evaluationNanos / 1e9)
        .setLastEvaluationMs(lastEvaluationMs == AlertSnapshot.UNSET ? null : lastEvaluationMs)
        .setEvaluatedAtMs(evaluatedAtMs == AlertSnapshot.UNSET ? null : evaluatedAtMs)
        .setRules(rules)
        .build();
  }

  static io.strata.avro.RuleHealth health(RuleHealth h) {
    return switch (h) {
      case OK -> io.strata.avro.RuleHealth.ok;
      case ERR -> io.strata.avro.RuleHealth.err;
      case UNKNOWN -> io.strata.avro.RuleHealth.unknown;
    };
  }

  public static byte[] encode(RuleGroupStatus s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<>(RuleGroupStatus.class).write(s, enc);
      enc.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static RuleGroupStatus decode(byte[] bytes) {
    try {
      return new SpecificDatumReader<>(RuleGroupStatus.class).read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
