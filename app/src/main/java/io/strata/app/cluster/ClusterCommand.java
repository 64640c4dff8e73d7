package io.strata.app.cluster;

import io.strata.app.Main;
import io.strata.app.cluster.ClusterProcesses.Started;
import io.strata.app.cluster.ClusterProcesses.State;
import io.strata.app.cluster.ClusterTopology.Instance;
import io.strata.app.up.Settings;
import io.strata.app.up.StrataConfig;
import io.strata.app.up.TsdbSinkSettings;
import io.strata.embedded.RegistryProcess;
import io.strata.embedded.TopicProvisioner;
import io.strata.schemas.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code strata cluster}: the loopback cluster of {@link ClusterTopology}, every instance a separate process. */
@Command(name = "cluster", mixinStandardHelpOptions = true,
    description = "Run the distributed deployment on this machine, every stage instance a separate process: 3 KRaft brokers, the "
        + "registry, 2 Streams, 2 Connect workers, a Flink JobManager with 2 TaskManagers, 2 ingest, 2 query nodes, alert delivery.",
    subcommands = {ClusterCommand.Up.class, ClusterCommand.Status.class, ClusterCommand.Down.class, ClusterCommand.TopicsCommand.class,
        io.strata.app.compose.ComposeCommand.class})
public final class ClusterCommand implements Runnable {
  static final String DEFAULT_DIR = "cluster-data";

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** {@code strata cluster up}. */
  @Command(name = "up", mixinStandardHelpOptions = true,
      description = "Start every instance that is not running (all of them the first time; after a crash or kill only the dead ones), "
          + "wait for each, create the topics, print the URLs, then `ready` and exit; the instances keep running.")
  public static final class Up implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "holds <role>-<n>/ of every instance (default: ${DEFAULT-VALUE})",
        defaultValue = DEFAULT_DIR)
    Path dataDir;

    @Option(names = "--port-offset", paramLabel = "N", description = "added to every port, to run a second cluster beside the first "
        + "(default: what the first `up` of this DIR stored, else 0)")
    Integer portOffset;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "how long one instance may take to be ready, in seconds "
        + "(default: ${DEFAULT-VALUE})", defaultValue = "300")
    int timeoutSeconds;

    @Option(names = "--config", paramLabel = "FILE", description = "strata.yml, the file of strata up, given to every instance that reads "
        + "one (all but delivery, which reads its alerting.yml; the cluster's own flags win over its keys); its kafka.topic_prefix, "
        + "kafka.partitions and rollups.resolutions shape the topics. Stored for later commands on DIR (default: what the last `up` "
        + "of this DIR stored, else none)")
    Path config;

    @Override
    public Integer call() throws Exception {
      ClusterTopology topology;
      try {
        topology = topology(dataDir, portOffset, config);
      } catch (IllegalArgumentException e) {
        System.err.println("strata cluster up: " + e.getMessage());
        return 2;
      }
      ClusterProcesses procs = new ClusterProcesses(dataDir, topology);
      long t0 = System.nanoTime();
      System.out.println("strata cluster: starting in " + procs.root() + " ...");
      Set<String> started = new HashSet<>();
      Set<String> skipped = new HashSet<>();
      List<List<Instance>> waves = topology.waves();
      for (int w = 0; w < waves.size(); w++) {
        List<Started> wave = new ArrayList<>();
        for (Instance i : waves.get(w)) {
          Optional<String> unsupported = unsupported(topology.args(i, procs.addressing()));
          if (unsupported.isPresent()) {
            String why = unsupported.get();
            System.out.println("  " + i.name() + ": skipped, this build has no `strata " + topology.args(i, procs.addressing()).get(0)
                + "` taking this command line (" + (why.length() > 100 ? why.substring(0, 100) + "..." : why) + ")");
            skipped.add(i.name());
            continue;
          }
          if (i.oneShot()) {
            // the rule job's submission runs again when the JobManager was restarted (a session cluster without HA forgets
            // its jobs); a restarted TaskManager is the job's own restart (from its checkpoint), nothing to submit
            boolean jobManagerStarted = i.dependsOn().stream()
                .anyMatch(d -> started.contains(d) && topology.instance(d).role() == ClusterTopology.Role.JOBMANAGER);
            if (!jobManagerStarted && procs.state(i) == State.DONE) {
              System.out.println("  " + i.name() + ": done earlier, the JobManager was not restarted");
              continue;
            }
            if (i.dependsOn().stream().anyMatch(skipped::contains)) {
              System.out.println("  " + i.name() + ": skipped, it needs " + i.dependsOn().stream().filter(skipped::contains).toList());
              skipped.add(i.name());
              continue;
            }
          }
          Optional<ProcessHandle> live = procs.live(i);
          if (live.isPresent()) {
            System.out.println("  " + i.name() + ": running (pid " + live.get().pid() + ")");
            continue;
          }
          if (i.role() == ClusterTopology.Role.DELIVERY) {
            writeDeliveryConfig(procs.dir(i));
          }
          if (i.role() == ClusterTopology.Role.REGISTRY) {
            RegistryProcess.stopOrphan(procs.dir(i)); // an Apicurio child left by a registry killed with SIGKILL
          }
          List<String> extra = List.of();
          if (i.role() == ClusterTopology.Role.SUBMIT) {
            // a restarted JobManager (no HA) lists no job: the new job takes the rule state (alerts' activeAt and for
            // progress, offsets) from the newest checkpoint or savepoint the old one left in the JobManager's directory
            Optional<Path> from = newestCheckpoint(procs.dir(topology.of(ClusterTopology.Role.JOBMANAGER).get(0)));
            if (from.isPresent()) {
              extra = List.of("--restore", from.get().toString());
              System.out.println("  " + i.name() + ": restoring the rule job from " + from.get());
            }
          }
          Started s = procs.start(i, extra);
          System.out.println("  " + i.name() + ": starting (pid " + s.process().pid() + ", log " + procs.dir(i).resolve(ClusterProcesses.OUT) + ")");
          wave.add(s);
          started.add(i.name());
        }
        for (Started s : wave) {
          try {
            procs.awaitReady(s, s.startNanos() + Duration.ofSeconds(timeoutSeconds).toNanos());
          } catch (IllegalStateException e) {
            System.err.println("strata cluster: " + e.getMessage());
            System.err.println("strata cluster: up failed; what started keeps running: `strata cluster status` lists it, "
                + "`strata cluster down` stops it, `strata cluster up` tries the rest again");
            return 1;
          }
          System.out.println("  " + s.instance().name() + ": " + (s.instance().oneShot() ? "done" : "ready") + " ("
              + Duration.ofNanos(System.nanoTime() - s.startNanos()).toMillis() / 100 / 10.0 + " s)");
        }
        if (w == 0) {
          List<String> created;
          try {
            created = createTopics(topology.bootstrap(procs.addressing()), topology.topicPrefix(),
                topology.config() == null ? null : Path.of(topology.config()), ClusterTopology.REPLICATION_FACTOR,
                ClusterTopology.MIN_INSYNC_REPLICAS);
          } catch (IllegalStateException e) {
            System.err.println("strata cluster: " + e.getMessage());
            return 1;
          }
          System.out.println("  topics: " + (created.isEmpty() ? "all exist" : "created " + created) + " (replication factor "
              + ClusterTopology.REPLICATION_FACTOR + ", min.insync.replicas " + ClusterTopology.MIN_INSYNC_REPLICAS + ")");
        }
      }
      System.out.println("strata cluster is up (" + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s): " + procs.root());
      for (Instance i : topology.instances()) {
        if (skipped.contains(i.name()) || i.oneShot()) {
          continue;
        }
        Map<String, String> urls = topology.urls(i, procs.addressing());
        String what = urls.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining("   "));
        System.out.printf("  %-15s %s%n", i.name(), what);
      }
      System.out.println("  stop with `strata cluster down" + (dataDir.toString().equals(DEFAULT_DIR) ? "" : " --data-dir " + dataDir) + "`");
      System.out.println("ready");
      System.out.flush();
      return 0;
    }

    /** The delivery stage's alerting section, written once: an Alertmanager on its default port, as Prometheus's examples. */
    private static void writeDeliveryConfig(Path dir) throws IOException {
      Files.createDirectories(dir);
      Path f = dir.resolve(ClusterTopology.DELIVERY_CONFIG);
      if (!Files.exists(f)) {
        Files.writeString(f, """
            # Written by `strata cluster up` once; edit it and restart delivery-1 (SIGHUP or POST /-/reload re-read it).
            # Where the alert delivery stage sends the alerts of the alerts topic: a prometheus.yml's alerting section.
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['127.0.0.1:9093']
            """, StandardCharsets.UTF_8);
      }
    }
  }

  /**
   * The newest complete checkpoint ({@code checkpoints/<job>/chk-<n>}) or savepoint ({@code savepoints/<name>}) under a
   * JobManager's directory: the one whose {@code _metadata} (written last, when it completed) is newest.
   */
  static Optional<Path> newestCheckpoint(Path jobManagerDir) throws IOException {
    List<Path> candidates = new ArrayList<>();
    Path checkpoints = jobManagerDir.resolve("checkpoints");
    if (Files.isDirectory(checkpoints)) {
      try (var jobs = Files.list(checkpoints)) {
        for (Path job : jobs.filter(Files::isDirectory).toList()) {
          try (var chks = Files.list(job)) {
            chks.filter(c -> c.getFileName().toString().startsWith("chk-")).forEach(candidates::add);
          }
        }
      }
    }
    Path savepoints = jobManagerDir.resolve("savepoints");
    if (Files.isDirectory(savepoints)) {
      try (var sps = Files.list(savepoints)) {
        sps.forEach(candidates::add);
      }
    }
    Path best = null;
    long bestAt = Long.MIN_VALUE;
    for (Path c : candidates) {
      Path meta = c.resolve("_metadata");
      if (Files.isRegularFile(meta)) {
        long at = Files.getLastModifiedTime(meta).toMillis();
        if (at > bestAt) {
          best = c;
          bestAt = at;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** What the first {@code up} of a data dir chose and later commands on it reuse. */
  static final String SETTINGS = "cluster.properties";

  /**
   * The instances and ports of a data dir (the port offset given, else the stored one), for {@code status} and {@code down}:
   * without the stored strata.yml, so a file moved away since does not keep them from stopping the cluster.
   */
  static ClusterTopology topology(Path dataDir, Integer portOffset) throws IOException {
    java.util.Properties p = settings(dataDir);
    return ClusterTopology.standard("", portOffset != null ? portOffset : Integer.parseInt(p.getProperty("port_offset", "0")));
  }

  /**
   * The topology {@code up} runs on a data dir: the port offset and strata.yml given (stored in {@link #SETTINGS}, the file
   * as its absolute path, for the commands after it), else the stored ones, else none. The file's {@code kafka.topic_prefix}
   * is the cluster's topic prefix.
   *
   * @throws IllegalArgumentException the file does not load ({@code FILE: problem})
   */
  static ClusterTopology topology(Path dataDir, Integer portOffset, Path config) throws IOException {
    java.util.Properties p = settings(dataDir);
    int offset = portOffset != null ? portOffset : Integer.parseInt(p.getProperty("port_offset", "0"));
    String configPath = config != null ? config.toAbsolutePath().normalize().toString() : p.getProperty("config");
    String prefix = "";
    if (configPath != null) {
      prefix = Settings.checkTopicPrefix(Settings.topicPrefix(StrataConfig.load(Path.of(configPath))));
    }
    ClusterTopology t = ClusterTopology.standard(prefix, offset).withConfig(configPath);
    boolean changed = portOffset != null && !Integer.toString(offset).equals(p.getProperty("port_offset"));
    changed |= config != null && !configPath.equals(p.getProperty("config"));
    if (changed) {
      Files.createDirectories(dataDir);
      p.setProperty("port_offset", Integer.toString(offset));
      if (configPath != null) {
        p.setProperty("config", configPath);
      }
      try (var w = Files.newBufferedWriter(dataDir.resolve(SETTINGS), StandardCharsets.UTF_8)) {
        p.store(w, "strata cluster: settings of this data dir");
      }
    }
    return t;
  }

  private static java.util.Properties settings(Path dataDir) throws IOException {
    Path f = dataDir.resolve(SETTINGS);
    java.util.Properties p = new java.util.Properties();
    if (Files.exists(f)) {
      try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(r);
      }
    }
    return p;
  }

  /**
   * Why this build cannot run a command line (its role command or one of its flags is missing), or empty when it can:
   * the other roles' commands arrive from other branches, and {@code up} skips what is not there yet.
   */
  static Optional<String> unsupported(List<String> args) {
    try {
      new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
      return Optional.empty();
    } catch (CommandLine.ParameterException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** Creates the pipeline's topics, as {@code strata up} defines them, with the given replication; retried while brokers join. */
  static List<String> createTopics(String bootstrap, String topicPrefix, Path config, int replicationFactor, int minInsyncReplicas)
      throws InterruptedException {
    StrataConfig file = config == null ? StrataConfig.EMPTY : StrataConfig.load(config);
    String prefix = Settings.checkTopicPrefix(topicPrefix != null ? topicPrefix : Settings.topicPrefix(file));
    int partitions = file.kafka() != null && file.kafka().partitions() != null ? file.kafka().partitions() : 4;
    List<Topics.Spec> specs = new ArrayList<>();
    for (Topics.Spec s : Topics.all(prefix, TsdbSinkSettings.resolutions(file))) {
      Map<String, String> configs = new HashMap<>(s.configs());
      configs.put("min.insync.replicas", Integer.toString(minInsyncReplicas));
      specs.add(new Topics.Spec(s.name(), configs));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try {
        return TopicProvisioner.ensure(bootstrap, specs, partitions, (short) replicationFactor);
      } catch (IllegalStateException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(1000); // e.g. fewer brokers registered than the replication factor yet
      }
    }
  }

  /** {@code strata cluster topics}: the step between the brokers and the stages, for deployments other than {@code up}. */
  @Command(name = "topics", mixinStandardHelpOptions = true,
      description = "Create the pipeline's topics (those strata up creates) when absent, replicated; existing topics are left as they are.")
  public static final class TopicsCommand implements Callable<Integer> {
    @Option(names = "--bootstrap", paramLabel = "HOST:PORT,...", required = true, description = "Kafka bootstrap servers")
    String bootstrap;

    @Option(names = "--config", paramLabel = "FILE", description = "strata.yml: kafka.topic_prefix, kafka.partitions, rollups.resolutions")
    Path config;

    @Option(names = "--topic-prefix", paramLabel = "P", description = "prefix of every topic name (default: kafka.topic_prefix, else none)")
    String topicPrefix;

    @Option(names = "--replication-factor", description = "(default: ${DEFAULT-VALUE})", defaultValue = "3")
    int replicationFactor;

    @Option(names = "--min-insync-replicas", description = "(default: ${DEFAULT-VALUE})", defaultValue = "2")
    int minInsyncReplicas;

    @Override
    public Integer call() throws Exception {
      try {
        List<String> created = createTopics(bootstrap, topicPrefix, config, replicationFactor, minInsyncReplicas);
        System.out.println("strata cluster topics: " + (created.isEmpty() ? "all exist" : "created " + created));
        return 0;
      } catch (IllegalArgumentException | IllegalStateException e) {
        System.err.println("strata cluster topics: " + e.getMessage());
        return 1;
      }
    }
  }

  /** {@code strata cluster status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "List every instance with its pid, state (running, dead: killed or crashed, stopped, done) and ports. "
          + "Exit code 0 when every instance runs, else 3.")
  public static final class Status implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "(default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_DIR)
    Path dataDir;

    @Override
    public Integer call() throws IOException {
      ClusterTopology topology = topology(dataDir, null);
      ClusterProcesses procs = new ClusterProcesses(dataDir, topology);
      System.out.printf("%-15s %-8s %-8s %s%n", "INSTANCE", "PID", "STATE", "PORTS");
      boolean allUp = true;
      for (Instance i : topology.instances()) {
        State st = procs.state(i);
        allUp &= st == State.RUNNING || st == State.DONE;
        String ports = i.ports().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
        System.out.printf("%-15s %-8s %-8s %s%n", i.name(), st == State.STOPPED ? "-" : procs.pid(i).map(String::valueOf).orElse("-"),
            st.name().toLowerCase(), ports);
      }
      return allUp ? 0 : 3;
    }
  }

  /** {@code strata cluster down}. */
  @Command(name = "down", mixinStandardHelpOptions = true,
      description = "Stop every instance, last started first (SIGTERM, then SIGKILL after --grace); the data stays.")
  public static final class Down implements Callable<Integer> {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "(default: ${DEFAULT-VALUE})", defaultValue = DEFAULT_DIR)
    Path dataDir;

    @Option(names = "--grace", paramLabel = "SECONDS", description = "how long a stopping wave may take (default: ${DEFAULT-VALUE})",
        defaultValue = "30")
    int graceSeconds;

    @Override
    public Integer call() throws Exception {
      ClusterTopology topology = topology(dataDir, null);
      ClusterProcesses procs = new ClusterProcesses(dataDir, topology);
      List<List<Instance>> waves = new ArrayList<>(topology.waves());
      java.util.Collections.reverse(waves);
      for (List<Instance> wave : waves) {
        Map<Instance, ProcessHandle> stopping = new java.util.LinkedHashMap<>();
        for (Instance i : wave) {
          procs.live(i).ifPresent(ph -> {
            ph.destroy();
            stopping.put(i, ph);
          });
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(graceSeconds).toNanos();
        for (Map.Entry<Instance, ProcessHandle> e : stopping.entrySet()) {
          long left = Math.max(0, deadline - System.nanoTime());
          try {
            e.getValue().onExit().get(left, java.util.concurrent.TimeUnit.NANOSECONDS);
            System.out.println("  " + e.getKey().name() + ": stopped");
          } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException x) {
            e.getValue().destroyForcibly();
            System.out.println("  " + e.getKey().name() + ": killed (still running after " + graceSeconds + " s)");
          }
        }
        for (Instance i : wave) {
          Files.deleteIfExists(procs.dir(i).resolve(ClusterProcesses.PID));
          if (i.role() == ClusterTopology.Role.REGISTRY) {
            RegistryProcess.stopOrphan(procs.dir(i));
          }
        }
      }
      System.out.println("strata cluster: stopped; the data stays in " + procs.root());
      return 0;
    }
  }
}
