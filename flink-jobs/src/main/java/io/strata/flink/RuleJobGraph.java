package io.strata.flink;

import io.strata.flink.job.RuleJob;
import io.strata.flink.job.SampleWatermarks;
import io.strata.flink.kafka.ForStateReader;
import io.strata.flink.kafka.KafkaConnectors;
import io.strata.flink.model.GroupSpec;
import io.strata.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * The rule job as a Flink graph, built the same way wherever it runs: on {@code strata up}'s MiniCluster
 * ({@link AlertRuleService}) or submitted to a session cluster ({@code strata flink submit}). The job classes
 * must be on the classpath of whoever runs it (Strata's TaskManagers are started from the same classpath).
 *
 * @param bootstrap Kafka bootstrap servers, as the TaskManagers reach them
 * @param kafkaClient extra properties of every Kafka client of the job (e.g. a SASL login)
 * @param registryUrl schema registry URL
 * @param topicPrefix prefix of every topic name ("" for none)
 * @param settings the job's settings
 */
public record RuleJobGraph(String bootstrap, Map<String, String> kafkaClient, String registryUrl, String topicPrefix,
    AlertRuleSettings settings) {
  /** The job's name: a session cluster runs at most one job of this name per topic prefix (upgrades replace it). */
  public static final String JOB_NAME = "strata-alert-rules";
  private static final long ADMIN_TIMEOUT_SECONDS = 60;

  public RuleJobGraph {
    kafkaClient = Map.copyOf(kafkaClient);
    topicPrefix = topicPrefix == null ? "" : topicPrefix;
  }

  /** The job's name on a cluster: {@link #JOB_NAME}, followed by {@code @<topic prefix>} when there is one. */
  public String jobName() {
    return topicPrefix.isEmpty() ? JOB_NAME : JOB_NAME + "@" + topicPrefix;
  }

  /**
   * Flink options of the job itself (they travel with it to a session cluster): exactly-once checkpoints at the
   * settings' interval, retained on cancellation (one kept), heap state, exponential-delay restarts without limit,
   * no Kryo. Where checkpoints go is the cluster's (MiniCluster: {@link AlertRuleService}'s checkpoint directory;
   * session cluster: the JobManager's {@code execution.checkpointing.dir}).
   */
  public static Configuration jobConfiguration(AlertRuleSettings settings) {
    Configuration c = new Configuration();
    c.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, settings.checkpointInterval());
    c.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    c.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
    c.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    c.set(CheckpointingOptions.MAX_RETAINED_CHECKPOINTS, 1);
    restartStrategy(c);
    // every type in the pipeline is a POJO or primitive array: Kryo is never needed, so forbid it
    c.set(PipelineOptions.GENERIC_TYPES, false);
    return c;
  }

  /**
   * A transient failure (registry or broker unreachable, a TaskManager lost) restarts the job from its last
   * checkpoint, backing off from 1 s up to 1 min, without giving up. Sets it on {@code c} and returns it.
   */
  public static Configuration restartStrategy(Configuration c) {
    c.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
    c.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
    return c;
  }

  /**
   * The job's graph, named {@link #jobName()}, on an environment with {@code conf} (at least
   * {@link #jobConfiguration}); reads the samples topic's partition count from the broker.
   *
   * @param fileGroups groups of rule files (none when every group comes from {@code metrics.rules})
   * @param metricsHook {@code MetricsHooks} id the operators count into, or null (remote cluster: not counted)
   */
  public StreamGraph streamGraph(List<GroupSpec> fileGroups, String metricsHook, Configuration conf) throws Exception {
    StreamExecutionEnvironment env = new StreamExecutionEnvironment(conf);
    env.setParallelism(settings.parallelism());
    String samplesTopic = topicPrefix + Topics.SAMPLES;
    String txPrefix = settings.consumerGroup() + (topicPrefix.isEmpty() ? "" : "-" + topicPrefix);
    int samplesPartitions = partitions(samplesTopic);
    new RuleJob(fileGroups, settings, samplesPartitions, metricsHook, SampleWatermarks.SYSTEM,
        new ForStateReader(bootstrap, samplesTopic, registryUrl, kafkaClient),
        KafkaConnectors.samplesSource(bootstrap, samplesTopic, samplesPartitions, registryUrl, settings, kafkaClient),
        KafkaConnectors.rulesSource(bootstrap, topicPrefix + Topics.RULES, registryUrl, settings, kafkaClient),
        KafkaConnectors.alertsSink(bootstrap, topicPrefix + Topics.ALERTS, registryUrl, txPrefix, kafkaClient),
        KafkaConnectors.samplesSink(bootstrap, samplesTopic, registryUrl, txPrefix, kafkaClient),
        KafkaConnectors.deadLetterSink(bootstrap, topicPrefix + Topics.DEADLETTER, kafkaClient),
        KafkaConnectors.statusSink(bootstrap, topicPrefix + Topics.RULES_STATUS, registryUrl, kafkaClient))
        .build(env);
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(jobName());
    return graph;
  }

  /** Partitions of the samples topic: the rule output goes to each series' partition, as ingest writes it. */
  private int partitions(String topic) throws Exception {
    Map<String, Object> p = new HashMap<>(kafkaClient);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      return admin.describeTopics(List.of(topic)).allTopicNames().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic).partitions().size();
    }
  }
}
