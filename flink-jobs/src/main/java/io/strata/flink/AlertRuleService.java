package io.strata.flink;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.strata.flink.metrics.MetricsHooks;
import io.strata.flink.metrics.PrometheusStageMetrics;
import io.strata.flink.model.GroupSpec;
import io.strata.flink.rules.RuleGroups;
import io.strata.promql.rules.RuleFile;
import io.strata.promql.rules.RuleFiles;
import io.strata.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the rule job on a local Flink MiniCluster inside the calling JVM (the embedded {@code strata up}
 * runtime). {@link #start()} validates the rule files, starts the MiniCluster (REST endpoint on a free
 * loopback port, no web UI) and submits the job without waiting for it;
 * {@link #close()} cancels the job and stops the cluster. The newest retained checkpoint under the
 * checkpoint directory is restored on start, so pending/firing state and source offsets survive a
 * restart of the process.
 */
public final class AlertRuleService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertRuleService.class);
  public static final String JOB_NAME = RuleJobGraph.JOB_NAME;
  private static final long STOP_TIMEOUT_SECONDS = 60;

  private final String bootstrapServers;
  private final Map<String, String> kafkaClient;
  /** Extra Flink configuration (e.g. {@link MiniClusterTls#config}); set before {@link #start()}. */
  private Map<String, String> flinkOverrides = Map.of();
  private final String registryUrl;
  private final String topicPrefix;
  private final List<Path> ruleFiles;
  private final Path checkpointDir;
  private final AlertRuleSettings settings;
  private final PrometheusRegistry registry;

  private MiniCluster cluster;
  private JobID jobId;
  private List<RuleFile> parsed = List.of();
  private List<GroupSpec> fileGroups = List.of();
  private PrometheusStageMetrics metrics;
  private String metricsHook;
  private String restoredFrom;
  private boolean closed;

  /**
   * @param bootstrapServers Kafka bootstrap servers
   * @param registryUrl schema registry URL ({@code http://...}, or {@code mock://scope} in tests)
   * @param topicPrefix prefix of every topic name ("" for none); topics are {@link Topics#SAMPLES},
   *     {@link Topics#RULES}, {@link Topics#ALERTS}, {@link Topics#RULES_STATUS} and {@link Topics#DEADLETTER} after it
   * @param ruleFiles Prometheus rule files (YAML), possibly none (then only pushed groups run)
   * @param checkpointDir where checkpoints are written and restored from (created if absent)
   * @param settings validated settings, {@link AlertRuleSettings#defaults()} for the embedded runtime
   * @param registry where the stage's metrics are registered (unregistered on close)
   */
  public AlertRuleService(String bootstrapServers, String registryUrl, String topicPrefix, List<Path> ruleFiles,
      Path checkpointDir, AlertRuleSettings settings, PrometheusRegistry registry) {
    this(bootstrapServers, Map.of(), registryUrl, topicPrefix, ruleFiles, checkpointDir, settings, registry);
  }

  /** @param kafkaClient extra properties of every Kafka client of the job (sources, sinks, admin), e.g. a SASL login */
  public AlertRuleService(String bootstrapServers, Map<String, String> kafkaClient, String registryUrl, String topicPrefix,
      List<Path> ruleFiles, Path checkpointDir, AlertRuleSettings settings, PrometheusRegistry registry) {
    this.kafkaClient = Map.copyOf(kafkaClient);
    this.bootstrapServers = require("bootstrapServers", bootstrapServers);
    this.registryUrl = require("registryUrl", registryUrl);
    this.topicPrefix = topicPrefix == null ? "" : topicPrefix;
    if (ruleFiles == null || checkpointDir == null || settings == null || registry == null) {
      throw new IllegalArgumentException("ruleFiles, checkpointDir, settings and registry are required");
    }
    this.ruleFiles = List.copyOf(ruleFiles);
    this.checkpointDir = checkpointDir.toAbsolutePath();
    this.settings = settings;
    this.registry = registry;
  }

  private static String require(String what, String v) {
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(what + " must not be empty");
    }
    return v;
  }

  /**
   * Loads the rule files, starts the MiniCluster and submits the job; returns once the job is submitted.
   *
   * @throws io.strata.promql.rules.RuleFileException when a rule file is invalid (promtool's messages, every
   *     problem with file, group and rule)
   * @throws UncheckedIOException when a rule file cannot be read
   * @throws IllegalStateException when started twice or after close, or when the cluster fails to start
   */
  public synchronized void start() {
    if (closed || cluster != null) {
      throw new IllegalStateException("rule service already " + (closed ? "closed" : "started"));
    }
    List<RuleFile> files = new ArrayList<>();
    List<GroupSpec> groups = new ArrayList<>();
    for (Path f : ruleFiles) {
      String yaml;
      try {
        yaml = Files.readString(f);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read rule file " + f, e);
      }
      RuleFile rf = RuleFiles.parse(yaml, f.toString());
      files.add(rf);
      groups.addAll(RuleGroups.fileSpecs(settings.fileTenant(), rf));
      LOG.info("rule file {}: {} groups, {} rules", f, rf.groups().size(), rf.ruleCount());
    }
    parsed = List.copyOf(files);
    fileGroups = List.copyOf(groups);
    try {
      Files.createDirectories(checkpointDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create checkpoint directory " + checkpointDir, e);
    }
    metrics = new PrometheusStageMetrics(registry);
    metrics.setFileGroups(fileGroups.size());
    metricsHook = "alert-rules-" + UUID.randomUUID();
    MetricsHooks.register(metricsHook, metrics);
    try {
      Configuration conf = configuration();
      cluster = new MiniCluster(new MiniClusterConfiguration.Builder()
          .setConfiguration(conf)
          .setNumTaskManagers(1)
          .setNumSlotsPerTaskManager(settings.parallelism())
          .withRandomPorts()
          .build());
      cluster.start();
      LOG.info("Flink REST endpoint of the rule job's MiniCluster: {}{}", cluster.getRestAddress().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS),
          flinkOverrides.containsKey("security.ssl.rest.authentication-enabled") ? " (mutual TLS)" : "");

      StreamGraph graph = new RuleJobGraph(bootstrapServers, kafkaClient, registryUrl, topicPrefix, settings)
          .streamGraph(fileGroups, metricsHook, conf);
      restoredFrom = settings.restoreFromCheckpoint() ? latestCheckpoint(checkpointDir) : null;
      if (restoredFrom != null) {
        // allowNonRestoredState: state of an operator that no longer exists is dropped, not fatal
        graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(restoredFrom, true));
        removeOlderCheckpoints(checkpointDir, Path.of(java.net.URI.create(restoredFrom)));
        LOG.info("restoring alert rule job from {}", restoredFrom);
      }
      JobGraph jobGraph = graph.getJobGraph(Thread.currentThread().getContextClassLoader(), new JobID());
      jobId = cluster.submitJob(jobGraph).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS).getJobID();
      metrics.setRunning(true);
      LOG.info("rule job {} submitted: {} groups from {}, reading {}{} and {}{}", jobId, fileGroups.size(), ruleFiles,
          topicPrefix, Topics.SAMPLES, topicPrefix, Topics.RULES);
    } catch (Exception e) {
      stopQuietly();
      throw new IllegalStateException("cannot start the alert rule job on a local Flink MiniCluster: " + e, e);
    }
  }

  /** Extra Flink configuration of the MiniCluster (e.g. {@link MiniClusterTls#config}); call before {@link #start()}. */
  public AlertRuleService withFlinkConfig(Map<String, String> overrides) {
    this.flinkOverrides = Map.copyOf(overrides);
    return this;
  }

  /** The Flink configuration of the MiniCluster and the job. */
  Configuration configuration() {
    Configuration c = new Configuration();
    // REST endpoint of the MiniCluster: loopback only, free port (withRandomPorts); no web UI on the classpath
    c.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    c.set(RestOptions.ADDRESS, "127.0.0.1");
    // the BLOB server (and any JobManager/TaskManager listener) binds these; Flink's default is every
    // interface. The MiniCluster runs inside this process, so nothing outside it needs to reach them
    c.set(JobManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.BIND_HOST, "127.0.0.1");
    c.set(TaskManagerOptions.NUM_TASK_SLOTS, settings.parallelism());
    c.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(settings.networkMemoryMb()));
    c.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(settings.networkMemoryMb()));
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(settings.managedMemoryMb()));
    c.addAll(RuleJobGraph.jobConfiguration(settings));
    c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir.toUri().toString());
    c.addAll(Configuration.fromMap(flinkOverrides));
    return c;
  }

  /** The newest completed checkpoint ({@code <dir>/<job id>/chk-<n>} holding {@code _metadata}) as a URI, or null. */
  static String latestCheckpoint(Path dir) {
    List<Path> metas = new ArrayList<>();
    try (Stream<Path> jobs = Files.list(dir)) {
      for (Path job : (Iterable<Path>) jobs::iterator) {
        if (!Files.isDirectory(job)) {
          continue;
        }
        try (Stream<Path> chks = Files.list(job)) {
          chks.filter(p -> p.getFileName().toString().startsWith("chk-"))
              .map(p -> p.resolve("_metadata"))
              .filter(Files::isRegularFile)
              .forEach(metas::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list checkpoints in " + dir, e);
    }
    return metas.stream()
        .max(Comparator.comparing(AlertRuleService::modified))
        .map(p -> p.getParent().toUri().toString())
        .orElse(null);
  }

  private static java.nio.file.attribute.FileTime modified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes the directories of earlier jobs, keeping the one that holds the checkpoint being restored. */
  private static void removeOlderCheckpoints(Path dir, Path restoring) {
    Path keep = restoring.getParent();
    try (Stream<Path> jobs = Files.list(dir)) {
      for (Path job : (Iterable<Path>) jobs::iterator) {
        if (Files.isDirectory(job) && !job.equals(keep)) {
          deleteTree(job);
        }
      }
    } catch (IOException | UncheckedIOException e) {
      LOG.warn("cannot remove old checkpoints under {}: {}", dir, e.toString());
    }
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(x);
      }
    }
  }

  /** Number of rules in the rule files (0 before {@link #start()}). */
  public synchronized int ruleCount() {
    return parsed.stream().mapToInt(RuleFile::ruleCount).sum();
  }

  /** The rule files as parsed at {@link #start()}. */
  public synchronized List<RuleFile> ruleFiles() {
    return parsed;
  }

  /** The Flink job id, or null before {@link #start()}. */
  public synchronized String jobId() {
    return jobId == null ? null : jobId.toString();
  }

  /** The checkpoint the job was restored from (a file URI), or null when it started fresh. */
  public synchronized String restoredFrom() {
    return restoredFrom;
  }

  /**
   * The Flink job status: CREATED, RUNNING, RESTARTING, FAILED, CANCELED, ... or NOT_STARTED before
   * {@link #start()} and CLOSED after {@link #close()}.
   */
  public synchronized String status() {
    if (closed) {
      return "CLOSED";
    }
    if (cluster == null || jobId == null) {
      return "NOT_STARTED";
    }
    try {
      return cluster.getJobStatus(jobId).get(10, TimeUnit.SECONDS).name();
    } catch (Exception e) {
      return "UNKNOWN";
    }
  }

  /** Waits until the job reports RUNNING; false when it does not within the timeout or ended. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      String s = status();
      if (s.equals(JobStatus.RUNNING.name())) {
        return true;
      }
      if (s.equals("CLOSED") || s.equals(JobStatus.FAILED.name()) || s.equals(JobStatus.CANCELED.name())) {
        return false;
      }
      Thread.sleep(100);
    }
    return false;
  }

  /** Cancels the job (keeping its last checkpoint) and stops the MiniCluster. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stopQuietly();
  }

  private void stopQuietly() {
    if (cluster != null) {
      if (jobId != null) {
        try {
          cluster.cancelJob(jobId).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
          cluster.requestJobResult(jobId).get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
          LOG.warn("cancelling alert rule job {}: {}", jobId, e.toString());
        }
      }
      try {
        cluster.closeAsync().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("stopping the Flink MiniCluster: {}", e.toString());
      }
      cluster = null;
    }
    if (metricsHook != null) {
      MetricsHooks.unregister(metricsHook);
      metricsHook = null;
    }
    if (metrics != null) {
      metrics.setRunning(false);
      metrics.close();
      metrics = null;
    }
  }
}
