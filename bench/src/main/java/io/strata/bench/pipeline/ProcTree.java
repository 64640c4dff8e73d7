package io.strata.bench.pipeline;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A process and every descendant, read from {@code /proc}: CPU (user + system, plus that of children already
 * reaped), resident memory, threads, and per-thread CPU with the thread's name ({@code comm}: a Java thread's
 * name, truncated to 15 characters).
 */
public final class ProcTree {
  /** Clock ticks per second of {@code /proc} CPU fields ({@code getconf CLK_TCK}: 100 on Linux/x86 and arm64). */
  public static final double TICKS_PER_SECOND = 100;
  static final long PAGE_SIZE = 4096;

  /** The fields of {@code /proc/<pid>/stat} (or {@code task/<tid>/stat}) the harness uses. */
  public record Stat(int pid, String comm, int ppid, long utime, long stime, long cutime, long cstime, int threads, long rssPages) {
    public long cpuTicks() {
      return utime + stime;
    }
  }

  /** Parses one stat line; the name sits in parentheses and may itself hold spaces and parentheses. */
  static Stat parseStat(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    int pid = Integer.parseInt(line.substring(0, open).trim());
    String comm = line.substring(open + 1, close);
    // fields after the name, numbered from 3 (state) as proc(5) numbers them
    String[] f = line.substring(close + 2).trim().split(" ");
    return new Stat(pid, comm, Integer.parseInt(f[4 - 3]), Long.parseLong(f[14 - 3]), Long.parseLong(f[15 - 3]), Long.parseLong(f[16 - 3]),
        Long.parseLong(f[17 - 3]), Integer.parseInt(f[20 - 3]), Long.parseLong(f[24 - 3]));
  }

  static Stat read(Path statFile) {
    try {
      return parseStat(Files.readString(statFile));
    } catch (IOException | RuntimeException e) {
      return null; // gone meanwhile
    }
  }

  /** The root and its descendants, from the parent of every process in /proc. */
  public static List<Stat> tree(int root) {
    return forest(List.of(root));
  }

  /** Each root and its descendants (several processes started side by side), from one reading of /proc. */
  public static List<Stat> forest(List<Integer> roots) {
    Map<Integer, List<Stat>> byParent = new HashMap<>();
    Map<Integer, Stat> rootStats = new HashMap<>();
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
      for (Path p : procs) {
        Stat s = read(p.resolve("stat"));
        if (s != null) {
          byParent.computeIfAbsent(s.ppid(), k -> new ArrayList<>()).add(s);
          if (roots.contains(s.pid())) {
            rootStats.put(s.pid(), s);
          }
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    List<Stat> rootList = new ArrayList<>();
    for (Integer r : roots) {
      if (rootStats.containsKey(r)) {
        rootList.add(rootStats.get(r));
      }
    }
    return forest(rootList, byParent);
  }

  /** Every root and its descendants, each process once (a root that descends from another root is not counted twice). */
  static List<Stat> forest(List<Stat> roots, Map<Integer, List<Stat>> byParent) {
    List<Stat> out = new ArrayList<>();
    java.util.Set<Integer> seen = new java.util.HashSet<>();
    for (Stat r : roots) {
      for (Stat s : descendants(r, byParent)) {
        if (seen.add(s.pid())) {
          out.add(s);
        }
      }
    }
    return out;
  }

  static List<Stat> descendants(Stat root, Map<Integer, List<Stat>> byParent) {
    List<Stat> out = new ArrayList<>();
    if (root == null) {
      return out;
    }
    ArrayDeque<Stat> todo = new ArrayDeque<>(List.of(root));
    while (!todo.isEmpty()) {
      Stat s = todo.poll();
      out.add(s);
      todo.addAll(byParent.getOrDefault(s.pid(), List.of()));
    }
    return out;
  }

  /** CPU seconds of the tree: every live process plus the children each has reaped. */
  public static double cpuSeconds(List<Stat> tree) {
    long ticks = 0;
    for (Stat s : tree) {
      ticks += s.utime() + s.stime() + s.cutime() + s.cstime();
    }
    return ticks / TICKS_PER_SECOND;
  }

  public static long rssBytes(List<Stat> tree) {
    long pages = 0;
    for (Stat s : tree) {
      pages += s.rssPages();
    }
    return pages * PAGE_SIZE;
  }

  public static int threads(List<Stat> tree) {
    int n = 0;
    for (Stat s : tree) {
      n += s.threads();
    }
    return n;
  }

  /** Every thread of the process: thread id to its stat (name and CPU ticks). */
  public static Map<Integer, Stat> tasks(int pid) {
    Map<Integer, Stat> out = new HashMap<>();
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Integer.toString(pid), "task"))) {
      for (Path t : tasks) {
        Stat s = read(t.resolve("stat"));
        if (s != null) {
          out.put(s.pid(), s);
        }
      }
    } catch (IOException e) {
      // the process is gone
    }
    return out;
  }

  /**
   * Thread-name prefixes (as {@code comm} shows them, at most 15 characters) to the stage they work for, first
   * match wins; {@code GC}'s and the JIT's are HotSpot's own names.
   */
  static final String[][] STAGES = {
      {"C1 CompilerThre", "JIT compiler"}, {"C2 CompilerThre", "JIT compiler"},
      {"GC Thread", "GC"}, {"G1 ", "GC"}, {"VM Thread", "GC"},
      {"strata-rollup", "Streams"}, {"rocksdb", "Streams"},
      {"task-thread-", "Connect sink task"}, {"connector-threa", "Connect sink task"},
      {"kafka-producer-", "producer"},
      {"kafka-admin-cli", "other"}, {"kafka-coordinat", "other"},
      {"data-plane-kafk", "broker"}, {"kafka-", "broker"}, {"broker-", "broker"}, {"controller-", "broker"}, {"quorum-controll", "broker"},
      {"group-coordinat", "broker"}, {"share-", "broker"}, {"ExpirationReape", "broker"}, {"LogDirFailureHa", "broker"},
      {"raft-expiration", "broker"}, {"transaction-log", "broker"}, {"executor-", "broker"}, {"TxnMarkerSender", "broker"},
      {"AddPartitionsTo", "broker"}, {"persister-state", "broker"}, {"PersisterStateM", "broker"}, {"network-partiti", "broker"},
      {"client-metrics-", "broker"},
      {"Source: ", "Flink"}, {"Source Data Fet", "Flink"}, {"SourceCoordinat", "Flink"}, {"route samples", "Flink"},
      {"evaluate rule", "Flink"}, {"OutputFlusher", "Flink"}, {"Time Trigger", "Flink"}, {"System Time Tri", "Flink"},
      {"Checkpoint Time", "Flink"}, {"AsyncOperations", "Flink"}, {"IOManager", "Flink"}, {"BLOB Server", "Flink"},
      {"mini-cluster", "Flink"}, {"jobmanager", "Flink"}, {"taskmanager", "Flink"}, {"resourcemanager", "Flink"}, {"flink", "Flink"},
      {"Flink", "Flink"},
      {"ingest-http", "ingest HTTP"}, {"pushgateway-", "ingest HTTP"},
      {"strata-tsdb", "TSDB"},
      {"query-", "query"}, {"strata-query", "query"},
      {"strata-scrape", "scrape"},
  };

  /** The stage of a Strata thread, from its (truncated) name; {@code other} when no prefix matches. */
  public static String stage(String comm) {
    for (String[] s : STAGES) {
      if (comm.startsWith(s[0])) {
        return s[1];
      }
    }
    return "other";
  }
}
