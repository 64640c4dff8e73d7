package io.strata.app.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.strata.app.Stage;
import io.strata.app.StageFlags;
import io.strata.app.StageRun;
import io.strata.app.StageSettings;
import io.strata.app.up.RuleSource;
import io.strata.app.up.Settings;
import io.strata.flink.AlertRuleSettings;
import io.strata.flink.RuleJobGraph;
import java.net.URI;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.deployment.StandaloneClusterId;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobgraph.JobGraph;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.graph.StreamGraph;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code strata flink submit}: submits the alert rule job ({@link RuleJobGraph}, the job {@code strata up} runs on its
 * MiniCluster, with the same settings from the same strata.yml keys) to a session cluster over its REST API, without
 * a jar: the cluster's TaskManagers are Strata processes and have the classes. A job of the same name that runs is
 * upgraded: stopped with a savepoint, and the new job starts from it.
 */
@Command(name = "submit", mixinStandardHelpOptions = true,
    description = "Submit the alert rule job to a Flink session cluster (strata flink jobmanager). If a job of that name runs, "
        + "stop it with a savepoint and start the new one from it (upgrade). Exits 0 once every task runs, 1 otherwise.")
public final class SubmitCommand implements Callable<Integer> {
  static final Stage STAGE = new Stage("flink submit", "", null, 0, false);
  static final String ROLE = "strata " + STAGE.name();
  private static final ObjectMapper JSON = new ObjectMapper();

  @picocli.CommandLine.Mixin
  io.strata.app.KafkaClientConfig kafkaClient;

  @Option(names = "--rest", paramLabel = "URL", description = "the JobManager's REST API (default: ${DEFAULT-VALUE})",
      defaultValue = "http://127.0.0.1:8088")
  String rest;

  @Mixin
  StageFlags.Config config;

  @Mixin
  StageFlags.Kafka kafka;

  @Mixin
  StageFlags.Prefix prefix;

  @Mixin
  StageFlags.Log log;

  @Option(names = "--restore", paramLabel = "PATH",
      description = "start from this savepoint or retained checkpoint (default: the upgraded job's savepoint, else the newest "
          + "retained checkpoint of the last job of that name the cluster still lists, else none)")
  String restore;

  @Option(names = "--timeout", paramLabel = "DURATION", description = "how long to wait for every task to run (default: ${DEFAULT-VALUE})",
      defaultValue = "2m")
  String timeout;

  @Override
  public Integer call() throws Exception {
    StageRun run = new StageRun(STAGE.name());
    RuleJobGraph job;
    Duration wait;
    String restUrl = rest.replaceAll("/+$", "");
    URI restUri;
    try {
      StageSettings shared = StageFlags.resolve(STAGE, config.load(), config.dir(), log, null, kafka, prefix, null);
      Settings s = Settings.resolve(shared.file(), null, null, null, null, null, null, null, null, List.of(), null, null, config.dir());
      AlertRuleSettings settings = s.ruleJobSettings(new RuleSource(List.of(), s.scrapeConfig()).load(null));
      job = new RuleJobGraph(shared.bootstrap(), kafkaClient.properties(), shared.registryUrl(), shared.topicPrefix(), settings);
      wait = Settings.duration("--timeout", timeout);
      try {
        restUri = URI.create(restUrl);
      } catch (IllegalArgumentException e) {
        restUri = URI.create("invalid:x");
      }
      if (!"http".equals(restUri.getScheme()) || restUri.getHost() == null) {
        throw Settings.invalid("--rest", "must be an http://HOST:PORT URL, got \"" + rest + "\"");
      }
    } catch (RuntimeException e) {
      return run.refuse(e);
    }
    Configuration client = new Configuration();
    client.set(RestOptions.ADDRESS, restUri.getHost());
    client.set(RestOptions.PORT, restUri.getPort() < 0 ? 80 : restUri.getPort());
    // a JobManager that is not there fails the submit within seconds, not after Flink's default 20 retries of 3 s
    client.set(RestOptions.RETRY_MAX_ATTEMPTS, 3);
    client.set(RestOptions.RETRY_DELAY, Duration.ofSeconds(1));
    try (RestClusterClient<StandaloneClusterId> flink = new RestClusterClient<>(client, StandaloneClusterId.getInstance())) {
      return submit(flink, restUrl, job, wait);
    } catch (Exception e) {
      System.err.println(ROLE + ": " + JobManagerCommand.rootMessage(e));
      return 1;
    }
  }

  private int submit(RestClusterClient<StandaloneClusterId> flink, String restUrl, RuleJobGraph job, Duration wait) throws Exception {
    String name = job.jobName();
    List<JobStatusMessage> same = flink.listJobs().get(30, TimeUnit.SECONDS).stream().filter(j -> j.getJobName().equals(name)).toList();
    String from = restore;
    Optional<JobStatusMessage> live = same.stream().filter(j -> !j.getJobState().isGloballyTerminalState()).findFirst();
    if (live.isPresent()) {
      JobStatusMessage old = live.get();
      if (old.getJobState() != JobStatus.RUNNING) {
        System.err.println(ROLE + ": job " + old.getJobId() + " (" + name + ") is " + old.getJobState()
            + ": an upgrade needs it RUNNING (stop-with-savepoint); try again once it runs, or cancel it");
        return 1;
      }
      System.out.println("stopping job " + old.getJobId() + " with a savepoint ...");
      // drain=false: the alerts' state and open windows go into the savepoint; the new job carries on from it
      from = flink.stopWithSavepoint(old.getJobId(), false, null, SavepointFormatType.CANONICAL).get(wait.toMillis(), TimeUnit.MILLISECONDS);
      System.out.println("savepoint " + from);
    } else if (from == null) {
      from = same.stream().max(Comparator.comparingLong(JobStatusMessage::getStartTime))
          .map(j -> newestRetained(restUrl, j.getJobId())).orElse(null);
      if (from != null) {
        System.out.println("restoring from " + from + " (the last " + name + " job's)");
      }
    } else {
      System.out.println("restoring from " + from);
    }
    // the TaskManagers write the checkpoints where the job says: the JobManager's directory (same machine or shared)
    String checkpoints = clusterOption(restUrl, CheckpointingOptions.CHECKPOINTS_DIRECTORY.key());
    if (checkpoints == null) {
      System.err.println(ROLE + ": the cluster at " + restUrl + " sets no " + CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()
          + " (/jobmanager/config): the job needs one for its checkpoints");
      return 1;
    }
    Configuration jobConf = RuleJobGraph.jobConfiguration(job.settings());
    jobConf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
    StreamGraph graph = job.streamGraph(List.of(), null, jobConf);
    if (from != null) {
      // allowNonRestoredState: state of an operator that no longer exists is dropped, not fatal
      graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(from, true));
    }
    JobGraph jobGraph = graph.getJobGraph(SubmitCommand.class.getClassLoader(), new JobID());
    JobID id = flink.submitJob(jobGraph).get(wait.toMillis(), TimeUnit.MILLISECONDS);
    System.out.println("submitted job " + id + " (" + name + ") to " + restUrl);
    long deadline = System.nanoTime() + wait.toNanos();
    String state = "";
    while (System.nanoTime() < deadline) {
      state = state(restUrl, id);
      if (state.equals("RUNNING")) {
        System.out.println("job " + id + " RUNNING");
        return 0;
      }
      if (state.startsWith("FAILED") || state.startsWith("CANCELED") || state.startsWith("FINISHED")) {
        break;
      }
      Thread.sleep(200);
    }
    System.err.println(ROLE + ": job " + id + " is not running after " + Duration.ofNanos(System.nanoTime() - (deadline - wait.toNanos())).toSeconds()
        + " s: " + (state.isEmpty() ? "no answer from " + restUrl : state) + rootException(restUrl, id));
    return 1;
  }

  /**
   * "RUNNING" once the job and every task of it run (a job is RUNNING while its tasks still wait for slots); else the
   * job's state and its tasks' states, "" when the REST API does not answer.
   */
  static String state(String restUrl, JobID id) {
    String body = FlinkCommand.get(restUrl, "/jobs/" + id);
    if (body == null) {
      return "";
    }
    try {
      JsonNode j = JSON.readTree(body);
      String jobState = j.path("state").asText();
      java.util.TreeMap<String, Integer> tasks = new java.util.TreeMap<>();
      j.path("status-counts").fields().forEachRemaining(e -> {
        if (e.getValue().asInt() > 0) {
          tasks.put(e.getKey(), e.getValue().asInt());
        }
      });
      boolean allRunning = !tasks.isEmpty() && tasks.keySet().equals(java.util.Set.of("RUNNING"));
      return jobState.equals("RUNNING") && allRunning ? "RUNNING" : jobState + ", tasks " + tasks;
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** The first line of the job's root exception, as ": ..." ("" when there is none). */
  static String rootException(String restUrl, JobID id) {
    String body = FlinkCommand.get(restUrl, "/jobs/" + id + "/exceptions");
    if (body == null) {
      return "";
    }
    try {
      String root = JSON.readTree(body).path("root-exception").asText("");
      return root.isEmpty() ? "" : ": " + root.lines().findFirst().orElse("");
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** A key of the JobManager's configuration ({@code /jobmanager/config}), or null when it is not set. */
  static String clusterOption(String restUrl, String key) {
    String body = FlinkCommand.get(restUrl, "/jobmanager/config");
    if (body == null) {
      throw new IllegalStateException("no answer from " + restUrl + "/jobmanager/config");
    }
    try {
      for (JsonNode kv : JSON.readTree(body)) {
        if (key.equals(kv.path("key").asText())) {
          return kv.path("value").asText();
        }
      }
      return null;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable " + restUrl + "/jobmanager/config: " + e.getMessage(), e);
    }
  }

  /** The newest savepoint or completed checkpoint of a job the cluster still lists (a file URI), or null. */
  static String newestRetained(String restUrl, JobID id) {
    String body = FlinkCommand.get(restUrl, "/jobs/" + id + "/checkpoints");
    if (body == null) {
      return null;
    }
    try {
      JsonNode latest = JSON.readTree(body).path("latest");
      String best = null;
      long bestAt = Long.MIN_VALUE;
      for (String kind : List.of("completed", "savepoint")) {
        JsonNode c = latest.path(kind);
        String path = c.path("external_path").asText("");
        long at = c.path("latest_ack_timestamp").asLong(Long.MIN_VALUE);
        if (!path.isEmpty() && !path.equals("<checkpoint-not-externally-addressable>") && at > bestAt) {
          best = path;
          bestAt = at;
        }
      }
      return best;
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
