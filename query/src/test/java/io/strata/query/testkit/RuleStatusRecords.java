package io.strata.query.testkit;

import io.strata.avro.RuleEvaluationStatus;
import io.strata.avro.RuleGroupStatus;
import io.strata.avro.RuleHealth;
import io.strata.avro.RuleType;
import io.strata.promql.rules.Rule;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleGroup;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * {@code RuleGroupStatus} records for a rule file, as the rule job publishes them on
 * {@code metrics.rules.status} (file = the namespace), with each rule's health and error chosen by the test.
 */
public final class RuleStatusRecords {
  private RuleStatusRecords() {}

  /** How a rule's last evaluation went, for the test. */
  public record Outcome(RuleHealth health, String lastError, double seconds, Long lastEvaluationMs) {
    public static final Outcome UNKNOWN = new Outcome(RuleHealth.unknown, "", 0, null);

    public static Outcome ok(long atMs) {
      return new Outcome(RuleHealth.ok, "", 0.000125, atMs);
    }

    public static Outcome err(String error, long atMs) {
      return new Outcome(RuleHealth.err, error, 0.0000005, atMs);
    }
  }

  /**
   * @param defaultIntervalMs interval of groups without their own
   * @param outcome by rule name
   * @param lastEvaluationMs the groups' last evaluation (null: never)
   */
  public static List<RuleGroupStatus> of(String tenant, RuleFile file, long defaultIntervalMs,
      Function<String, Outcome> outcome, Long lastEvaluationMs) {
    List<RuleGroupStatus> out = new ArrayList<>();
    for (RuleGroup g : file.groups()) {
      List<RuleEvaluationStatus> rules = new ArrayList<>();
      for (Rule r : g.rules()) {
        Outcome o = outcome.apply(r.name());
        rules.add(RuleEvaluationStatus.newBuilder()
            .setType(r.isAlerting() ? RuleType.alerting : RuleType.recording)
            .setName(r.name())
            .setQuery(r.expr().toString())
            .setForMs(r.forMs())
            .setKeepFiringForMs(r.keepFiringForMs())
            .setLabels(new LinkedHashMap<>(r.labels()))
            .setAnnotations(new LinkedHashMap<>(r.annotations()))
            .setHealth(o.health())
            .setLastError(o.lastError())
            .setEvaluationTimeSeconds(o.seconds())
            .setLastEvaluationMs(o.lastEvaluationMs())
            .build());
      }
      out.add(RuleGroupStatus.newBuilder()
          .setTenant(tenant)
          .setNamespace(file.fileName())
          .setName(g.name())
          .setIntervalMs(g.intervalMs() > 0 ? g.intervalMs() : defaultIntervalMs)
          .setLimit(g.limit())
          .setEvaluationTimeSeconds(lastEvaluationMs == null ? 0 : 0.00025)
          .setLastEvaluationMs(lastEvaluationMs)
          .setEvaluatedAtMs(lastEvaluationMs)
          .setRules(rules)
          .build());
    }
    return out;
  }

  /** The record key: {@code tenant/namespace/group}. */
  public static String key(RuleGroupStatus s) {
    return s.getTenant() + "/" + s.getNamespace() + "/" + s.getName();
  }
}
