package io.strata.app.up;

import io.strata.embedded.KafkaSecurity;
import io.strata.ingest.pushgateway.PushgatewayStore;
import io.strata.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What {@code strata up} protects inside when a web config with users is given: the broker's SASL listener with
 * one principal per stage and least-privilege ACLs ({@link #acls}), and the registry's basic-auth user. Each stage's
 * Kafka clients get {@link #kafka(String)}: its principal's login, or nothing when security is off (PLAINTEXT, no
 * ACLs, an open registry, as without a web config).
 */
final class InternalSecurity {
  static final String ADMIN = KafkaSecurity.ADMIN;
  static final String INGEST = "strata-ingest";
  static final String ROLLUP = "strata-rollup";
  static final String RULES = "strata-rules";
  static final String SINK = "strata-sink";
  static final String QUERY = "strata-query";
  static final String DELIVERY = "strata-delivery";
  static final String REGISTRY_USER = "strata-registry";
  private static final List<String> STAGES = List.of(INGEST, ROLLUP, RULES, SINK, QUERY, DELIVERY);

  private final KafkaSecurity kafka;

  private InternalSecurity(KafkaSecurity kafka) {
    this.kafka = kafka;
  }

  /** Off: every client as before. */
  static InternalSecurity off() {
    return new InternalSecurity(null);
  }

  /** On, with the passwords kept in {@code dir} (created 0700; see {@link KafkaSecurity#load}). */
  static InternalSecurity on(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
    return new InternalSecurity(KafkaSecurity.load(dir));
  }

  boolean enabled() {
    return kafka != null;
  }

  /** The broker overrides: SASL listeners and the authorizer, or none. */
  Map<String, String> broker(String host, int port, int controllerPort) {
    return kafka == null ? Map.of() : kafka.brokerConfig(host, port, controllerPort);
  }

  /** The Kafka client properties of {@code principal}'s clients (empty when off). */
  Map<String, String> kafka(String principal) {
    return kafka == null ? Map.of() : kafka.client(principal);
  }

  /** The Connect worker's overrides: the sink principal for the worker and every client it makes for its tasks. */
  Map<String, String> connectWorker() {
    Map<String, String> m = new HashMap<>();
    kafka(SINK).forEach((k, v) -> {
      m.put(k, v);
      m.put("consumer." + k, v);
      m.put("producer." + k, v);
      m.put("admin." + k, v);
    });
    return m;
  }

  /** The registry's basic-auth user and password, or null when off. */
  String[] registryUser() {
    return kafka == null ? null : new String[] {REGISTRY_USER, kafka.password(REGISTRY_USER)};
  }

  /** Creates the stages' SCRAM credentials and ACLs (idempotent; a no-op when off). */
  void provision(String bootstrap, String prefix, List<String> resolutions, String rollupAppId, String ruleGroup, String sinkConnector) {
    if (kafka != null) {
      kafka.provision(bootstrap, STAGES, acls(prefix, resolutions, rollupAppId, ruleGroup, sinkConnector));
    }
  }

  /**
   * Least privilege per stage (DESCRIBE is implied by READ and WRITE). ingest: writes samples and metadata, owns its
   * Pushgateway group log; rollups: read samples, write rollups and dead letters, own their application id's topics,
   * group and transactional ids; rules (Flink job and the rule files' publisher): read samples and rules, write
   * samples, rules, alerts, rule status and dead letters, its groups and transactional ids; sink: reads samples and
   * rollups in its Connect group, writes dead letters; query: reads metadata, alerts and rule status; delivery: reads
   * alerts. The admin (topics, consumer lag) is the broker's super user.
   */
  static List<AclBinding> acls(String prefix, List<String> resolutions, String rollupAppId, String ruleGroup, String sinkConnector) {
    List<AclBinding> out = new ArrayList<>();
    String samples = prefix + Topics.SAMPLES;
    String dlq = prefix + Topics.DEADLETTER;
    List<String> rollups = resolutions.stream().map(r -> prefix + Topics.rollup(r)).toList();

    topic(out, INGEST, samples, AclOperation.WRITE);
    topic(out, INGEST, prefix + Topics.METADATA, AclOperation.WRITE);
    topic(out, INGEST, dlq, AclOperation.WRITE);
    topic(out, INGEST, prefix + PushgatewayStore.TOPIC, AclOperation.ALL);

    topic(out, ROLLUP, samples, AclOperation.READ);
    rollups.forEach(t -> topic(out, ROLLUP, t, AclOperation.WRITE));
    topic(out, ROLLUP, dlq, AclOperation.WRITE);
    add(out, ROLLUP, ResourceType.TOPIC, rollupAppId, PatternType.PREFIXED, AclOperation.ALL);
    add(out, ROLLUP, ResourceType.GROUP, rollupAppId, PatternType.PREFIXED, AclOperation.READ);
    add(out, ROLLUP, ResourceType.TRANSACTIONAL_ID, rollupAppId, PatternType.PREFIXED, AclOperation.WRITE);

    topic(out, RULES, samples, AclOperation.READ);
    topic(out, RULES, samples, AclOperation.WRITE);
    topic(out, RULES, prefix + Topics.RULES, AclOperation.READ);
    topic(out, RULES, prefix + Topics.RULES, AclOperation.WRITE);
    topic(out, RULES, prefix + Topics.ALERTS, AclOperation.WRITE);
    topic(out, RULES, prefix + Topics.RULES_STATUS, AclOperation.WRITE);
    topic(out, RULES, dlq, AclOperation.WRITE);
    add(out, RULES, ResourceType.GROUP, ruleGroup, PatternType.PREFIXED, AclOperation.READ);
    // the job's transactional ids start with its group id (AlertRuleService)
    add(out, RULES, ResourceType.TRANSACTIONAL_ID, ruleGroup, PatternType.PREFIXED, AclOperation.WRITE);

    topic(out, SINK, samples, AclOperation.READ);
    rollups.forEach(t -> topic(out, SINK, t, AclOperation.READ));
    topic(out, SINK, dlq, AclOperation.WRITE);
    add(out, SINK, ResourceType.GROUP, "connect-" + sinkConnector, PatternType.LITERAL, AclOperation.READ);

    topic(out, QUERY, prefix + Topics.METADATA, AclOperation.READ);
    topic(out, QUERY, prefix + Topics.ALERTS, AclOperation.READ);
    topic(out, QUERY, prefix + Topics.RULES_STATUS, AclOperation.READ);

    topic(out, DELIVERY, prefix + Topics.ALERTS, AclOperation.READ);
    return out;
  }

  private static void topic(List<AclBinding> out, String principal, String topic, AclOperation op) {
    add(out, principal, ResourceType.TOPIC, topic, PatternType.LITERAL, op);
  }

  private static void add(List<AclBinding> out, String principal, ResourceType type, String name, PatternType pattern, AclOperation op) {
    out.add(new AclBinding(new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + principal, "*", op, AclPermissionType.ALLOW)));
  }
}
