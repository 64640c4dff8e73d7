package io.strata.app.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The one description of the distributed deployment: which roles run, how many instances of each, every
 * instance's ports, its directory name {@code <role>-<n>}, the {@code strata} command line it runs, its heap, and
 * the order in which instances start. {@code strata cluster up} runs it on this machine as separate processes;
 * {@code compose/docker-compose.yml} is generated from it (an {@link Addressing} maps hosts and directories).
 *
 * <p>Start-up goes in {@link #waves() waves}: every instance of a wave starts at once, and the next wave starts
 * when all of them printed {@code ready}. Between wave 1 (brokers, registry) and wave 2 the pipeline's topics are
 * created ({@link #topicsArgs}); one-shot instances ({@link Instance#oneShot()}) run to completion instead of
 * printing {@code ready}.
 */
public final class ClusterTopology {
  /** The roles, in start order; {@link #dirName} is the first half of the instance directory. */
  public enum Role {
    KAFKA("kafka"), REGISTRY("registry"), STREAMS("streams"), CONNECT("connect"), JOBMANAGER("jobmanager"), TASKMANAGER("taskmanager"),
    SUBMIT("submit"), INGEST("ingest"), QUERY("query"), DELIVERY("delivery");

    private final String dirName;

    Role(String dirName) {
      this.dirName = dirName;
    }

    public String dirName() {
      return dirName;
    }

    /** The role of a directory name's first half ({@code kafka} of {@code kafka-2}). */
    public static Role ofDirName(String name) {
      for (Role r : values()) {
        if (r.dirName.equals(name)) {
          return r;
        }
      }
      throw new IllegalArgumentException("no role " + name);
    }
  }

  /**
   * Where instances find each other and keep their data. The loopback cluster: every host is 127.0.0.1 and the
   * data directory is {@code DIR/<role>-<n>}; in compose, each instance is a service named {@code <role>-<n>},
   * binds 0.0.0.0 and keeps its data in a volume.
   */
  public interface Addressing {
    /** The address other instances use to reach {@code i}. */
    String host(Instance i);

    /** The address {@code i} binds its ports on. */
    String bindHost(Instance i);

    /** {@code i}'s own directory ({@code --data-dir}, {@code --log-dir}). */
    String dataDir(Instance i);
  }

  /** Every instance on 127.0.0.1, each in {@code root/<role>-<n>}. */
  public static Addressing loopback(String root) {
    return new Addressing() {
      @Override
      public String host(Instance i) {
        return LOOPBACK;
      }

      @Override
      public String bindHost(Instance i) {
        return LOOPBACK;
      }

      @Override
      public String dataDir(Instance i) {
        return root + "/" + i.name();
      }
    };
  }

  /**
   * One process of the cluster.
   *
   * @param role its role
   * @param n its number within the role, from 1
   * @param ports its ports by name (e.g. {@code client}, {@code controller} of a broker); a role with no fixed
   *     port (a TaskManager) has none
   * @param heap its {@code -Xmx} (e.g. {@code 256m})
   * @param dependsOn the instances (by {@link #name()}) that must be ready before it starts
   * @param oneShot true when it runs to completion (exit 0) instead of serving until stopped
   * @param wave its start wave, from 1
   */
  public record Instance(Role role, int n, Map<String, Integer> ports, String heap, List<String> dependsOn, boolean oneShot, int wave) {
    public Instance {
      ports = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(ports));
      dependsOn = List.copyOf(dependsOn);
    }

    /** {@code <role>-<n>}: its directory under the cluster's data dir, and its compose service name. */
    public String name() {
      return role.dirName() + "-" + n;
    }

    public int port(String name) {
      Integer p = ports.get(name);
      if (p == null) {
        throw new IllegalArgumentException(name() + " has no port " + name);
      }
      return p;
    }
  }

  public static final String LOOPBACK = "127.0.0.1";
  public static final int REPLICATION_FACTOR = 3;
  public static final int MIN_INSYNC_REPLICAS = 2;
  /** The Connect group of every sink worker; the sink connector's name is {@code Stack.TSDB_CONNECTOR}. */
  public static final String CONNECT_GROUP = "strata-tsdb-sink";

  private final List<Instance> instances;
  private final String topicPrefix;
  private final String config;

  private ClusterTopology(List<Instance> instances, String topicPrefix, String config) {
    this.instances = List.copyOf(instances);
    this.topicPrefix = topicPrefix;
    this.config = config;
  }

  /** The roles that read strata.yml ({@code --config}, the typed model of {@code strata up}); the others take flags only. */
  public static final java.util.Set<Role> CONFIG_ROLES = java.util.EnumSet.of(Role.KAFKA, Role.REGISTRY, Role.STREAMS, Role.CONNECT, Role.JOBMANAGER, Role.TASKMANAGER, Role.SUBMIT,
      Role.INGEST, Role.QUERY);

  /**
   * This topology with every instance of {@link #CONFIG_ROLES} given {@code --config path} (a strata.yml as every instance
   * reaches it; null: none). The flags the topology sets come first and win over the file's keys.
   */
  public ClusterTopology withConfig(String path) {
    return new ClusterTopology(instances, topicPrefix, path);
  }

  /** The strata.yml every instance of {@link #CONFIG_ROLES} reads, or null. */
  public String config() {
    return config;
  }

  /**
   * The loopback cluster of issue 12: 3 KRaft brokers, the registry, 2 Streams instances, 2 Connect workers, a Flink
   * JobManager with 2 TaskManagers and the rule job's submission, 2 ingest, 2 query nodes and the alert delivery.
   * The first query node has the query port (9090) and the first ingest the ingest port (9091), as {@code strata up}.
   */
  public static ClusterTopology standard() {
    return standard("");
  }

  /** As {@link #standard()}, with every topic name prefixed. */
  public static ClusterTopology standard(String topicPrefix) {
    return standard(topicPrefix, 0);
  }

  /**
   * As {@link #standard(String)}, with {@code portOffset} added to every port: a second cluster on the same machine
   * (a test beside a running cluster).
   */
  public static ClusterTopology standard(String topicPrefix, int portOffset) {
    if (portOffset < 0 || 9298 + portOffset > 65535) {
      throw new IllegalArgumentException("port offset must be 0.." + (65535 - 9298) + ", got " + portOffset);
    }
    int o = portOffset;
    List<Instance> all = new ArrayList<>();
    List<String> brokers = new ArrayList<>();
    for (int n = 1; n <= 3; n++) {
      all.add(new Instance(Role.KAFKA, n, ports("client", o + 9092 + 100 * (n - 1), "controller", o + 9095 + 100 * (n - 1)), "384m", List.of(), false, 1));
      brokers.add("kafka-" + n);
    }
    all.add(new Instance(Role.REGISTRY, 1, ports("http", o + 8081), "128m", List.of(), false, 1));
    List<String> kafkaAndRegistry = new ArrayList<>(brokers);
    kafkaAndRegistry.add("registry-1");
    for (int n = 1; n <= 2; n++) {
      all.add(new Instance(Role.STREAMS, n, ports("http", o + 9096 + 100 * (n - 1)), "256m", kafkaAndRegistry, false, 2));
    }
    for (int n = 1; n <= 2; n++) {
      all.add(new Instance(Role.CONNECT, n, ports("rest", o + 8083 + 100 * (n - 1), "store", o + 9098 + 100 * (n - 1)), "768m", kafkaAndRegistry, false, 2));
    }
    all.add(new Instance(Role.JOBMANAGER, 1, ports("rest", o + 8088, "rpc", o + 6123, "http", o + 9099), "384m", List.of(), false, 2));
    for (int n = 1; n <= 2; n++) {
      all.add(new Instance(Role.TASKMANAGER, n, ports("http", o + 9089 + 100 * (n - 1)), "512m", List.of("jobmanager-1"), false, 3));
    }
    List<String> submitAfter = new ArrayList<>(kafkaAndRegistry);
    submitAfter.addAll(List.of("jobmanager-1", "taskmanager-1", "taskmanager-2"));
    all.add(new Instance(Role.SUBMIT, 1, Map.of(), "256m", submitAfter, true, 4));
    for (int n = 1; n <= 2; n++) {
      all.add(new Instance(Role.INGEST, n, ports("ingest", o + 9091 + 100 * (n - 1)), "256m", kafkaAndRegistry, false, 2));
    }
    for (int n = 1; n <= 2; n++) {
      // a query node needs no store to start (one that is down is a partial response), so it starts beside them; it reads
      // the rules and alerts topics
      all.add(new Instance(Role.QUERY, n, ports("query", o + 9090 + 100 * (n - 1)), "256m", kafkaAndRegistry, false, 2));
    }
    all.add(new Instance(Role.DELIVERY, 1, ports("http", o + 9097), "128m", kafkaAndRegistry, false, 2));
    return new ClusterTopology(all, topicPrefix, null);
  }

  private static Map<String, Integer> ports(Object... nameThenPort) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (int i = 0; i < nameThenPort.length; i += 2) {
      m.put((String) nameThenPort[i], (Integer) nameThenPort[i + 1]);
    }
    return m;
  }

  /** Every instance, in start order (by wave, then role, then number). */
  public List<Instance> instances() {
    return instances.stream().sorted(java.util.Comparator.comparingInt(Instance::wave).thenComparing(Instance::role)
        .thenComparingInt(Instance::n)).toList();
  }

  /** The instances grouped by start wave, first wave first. */
  public List<List<Instance>> waves() {
    return List.copyOf(instances().stream().collect(Collectors.groupingBy(Instance::wave, java.util.TreeMap::new, Collectors.toList())).values());
  }

  public List<Instance> of(Role role) {
    return instances().stream().filter(i -> i.role() == role).toList();
  }

  public Instance instance(String name) {
    return instances.stream().filter(i -> i.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no instance " + name + " in the topology"));
  }

  public String topicPrefix() {
    return topicPrefix;
  }

  /** The brokers' bootstrap list as instances reach them. */
  public String bootstrap(Addressing a) {
    return of(Role.KAFKA).stream().map(k -> a.host(k) + ":" + k.port("client")).collect(Collectors.joining(","));
  }

  /** The KRaft quorum, {@code id@host:controllerPort,...}. */
  public String voters(Addressing a) {
    return of(Role.KAFKA).stream().map(k -> k.n() + "@" + a.host(k) + ":" + k.port("controller")).collect(Collectors.joining(","));
  }

  /** The registry's Confluent-compatible base URL. */
  public String registryUrl(Addressing a) {
    Instance r = of(Role.REGISTRY).get(0);
    return "http://" + a.host(r) + ":" + r.port("http") + "/apis/ccompat/v7";
  }

  /**
   * The arguments after {@code strata} that create the pipeline's topics (replication factor 3,
   * {@code min.insync.replicas} 2) once the brokers are ready: the step between wave 1 and wave 2.
   */
  public List<String> topicsArgs(Addressing a) {
    List<String> args = new ArrayList<>(List.of("cluster", "topics", "--bootstrap", bootstrap(a),
        "--replication-factor", Integer.toString(REPLICATION_FACTOR), "--min-insync-replicas", Integer.toString(MIN_INSYNC_REPLICAS)));
    prefix(args);
    return args;
  }

  /** The arguments after {@code strata} (the role's subcommand and its flags) that instance {@code i} runs. */
  public List<String> args(Instance i, Addressing a) {
    String host = a.bindHost(i);
    String dir = a.dataDir(i);
    String bootstrap = bootstrap(a);
    String registry = registryUrl(a);
    List<String> args = new ArrayList<>();
    switch (i.role()) {
      case KAFKA -> args.addAll(List.of("kafka", "--node-id", Integer.toString(i.n()), "--host", host, "--advertised-host", a.host(i),
          "--port", Integer.toString(i.port("client")), "--controller-port", Integer.toString(i.port("controller")), "--voters", voters(a),
          "--replication-factor", Integer.toString(REPLICATION_FACTOR), "--min-insync-replicas", Integer.toString(MIN_INSYNC_REPLICAS)));
      case REGISTRY -> args.addAll(List.of("registry", "--host", host, "--port", Integer.toString(i.port("http"))));
      case STREAMS -> args.addAll(List.of("streams", "--bootstrap", bootstrap, "--registry-url", registry, "--host", host,
          "--port", Integer.toString(i.port("http"))));
      case CONNECT -> args.addAll(List.of("connect", "--distributed", "--group-id", CONNECT_GROUP, "--bootstrap", bootstrap,
          "--registry-url", registry, "--host", host, "--advertised-host", a.host(i), "--connect-port", Integer.toString(i.port("rest")),
          "--port", Integer.toString(i.port("store")), "--replication-factor", Integer.toString(REPLICATION_FACTOR)));
      // Flink's --host is the address it binds and announces: the one the other instances reach it at
      case JOBMANAGER -> args.addAll(List.of("flink", "jobmanager", "--host", a.host(i), "--rpc-port", Integer.toString(i.port("rpc")),
          "--rest-port", Integer.toString(i.port("rest")), "--port", Integer.toString(i.port("http"))));
      case TASKMANAGER -> {
        Instance jm = of(Role.JOBMANAGER).get(0);
        args.addAll(List.of("flink", "taskmanager", "--jobmanager", a.host(jm) + ":" + jm.port("rpc"), "--jobmanager-rest",
            "http://" + a.host(jm) + ":" + jm.port("rest"), "--slots", "2", "--host", a.host(i), "--port", Integer.toString(i.port("http"))));
      }
      case SUBMIT -> {
        Instance jm = of(Role.JOBMANAGER).get(0);
        args.addAll(List.of("flink", "submit", "--rest", "http://" + a.host(jm) + ":" + jm.port("rest"), "--bootstrap", bootstrap,
            "--registry-url", registry));
      }
      case INGEST -> {
        args.addAll(List.of("ingest", "--bootstrap", bootstrap, "--registry-url", registry, "--host", host,
            "--port", Integer.toString(i.port("ingest"))));
        if (i.n() > 1) { // exactly one ingest per topic prefix serves the Pushgateway API (it owns the group log)
          args.add("--no-pushgateway");
        }
      }
      case QUERY -> {
        // --bootstrap and --registry-url: its /api/v1/rules and /alerts read metrics.rules and metrics.alerts
        args.addAll(List.of("query", "--bootstrap", bootstrap, "--registry-url", registry, "--host", host,
            "--port", Integer.toString(i.port("query")), "--partial-response"));
        for (Instance c : of(Role.CONNECT)) {
          args.addAll(List.of("--store", "http://" + a.host(c) + ":" + c.port("store")));
        }
      }
      case DELIVERY -> args.addAll(List.of("delivery", "--config", dir + "/" + DELIVERY_CONFIG, "--bootstrap", bootstrap,
          "--registry-url", registry, "--host", host, "--port", Integer.toString(i.port("http"))));
    }
    if (i.role() != Role.REGISTRY && i.role() != Role.KAFKA && i.role() != Role.JOBMANAGER && i.role() != Role.TASKMANAGER) {
      prefix(args);
    }
    if (config != null && CONFIG_ROLES.contains(i.role())) {
      args.addAll(List.of("--config", config));
    }
    if (i.role() != Role.INGEST && i.role() != Role.QUERY && i.role() != Role.DELIVERY && i.role() != Role.SUBMIT) {
      args.addAll(List.of("--data-dir", dir));
    }
    args.addAll(List.of("--log-dir", dir));
    return args;
  }

  /** The delivery stage's prometheus.yml-shaped file (its {@code alerting} section) in its directory. */
  public static final String DELIVERY_CONFIG = "alerting.yml";

  private void prefix(List<String> args) {
    if (!topicPrefix.isEmpty()) {
      args.addAll(List.of("--topic-prefix", topicPrefix));
    }
  }

  /** The URLs a user opens, by instance name, for the listing {@code cluster up} and {@code status} print. */
  public Map<String, String> urls(Instance i, Addressing a) {
    Map<String, String> urls = new LinkedHashMap<>();
    String h = a.host(i);
    switch (i.role()) {
      case KAFKA -> urls.put("bootstrap", h + ":" + i.port("client"));
      case REGISTRY -> urls.put("registry", registryUrl(a));
      case STREAMS, DELIVERY, TASKMANAGER -> urls.put("metrics", "http://" + h + ":" + i.port("http") + "/metrics");
      case CONNECT -> {
        urls.put("connect", "http://" + h + ":" + i.port("rest") + "/connectors");
        urls.put("store", "http://" + h + ":" + i.port("store"));
      }
      case JOBMANAGER -> {
        urls.put("flink", "http://" + h + ":" + i.port("rest"));
        urls.put("metrics", "http://" + h + ":" + i.port("http") + "/metrics");
      }
      case INGEST -> urls.put("remote_write", "http://" + h + ":" + i.port("ingest") + "/api/v1/write");
      case QUERY -> urls.put("query", "http://" + h + ":" + i.port("query"));
      case SUBMIT -> { }
    }
    return urls;
  }
}
