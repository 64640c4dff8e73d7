package io.strata.app.cluster;

import io.strata.app.cluster.ClusterTopology.Instance;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The loopback cluster's processes on this machine: each instance of the {@link ClusterTopology} is a separate JVM
 * ({@code java ... io.strata.app.Main <role> ...}, this process's class path and JVM options with the role's heap),
 * detached from the terminal ({@code setsid}), in {@code DIR/<role>-<n>/} with its {@code pid} file and its stdout
 * and stderr in {@code out.log}.
 */
final class ClusterProcesses {
  static final String PID = "pid";
  static final String OUT = "out.log";
  /** A one-shot instance's exit code, written when it ends. */
  static final String EXIT = "exit";

  /** What {@code status} shows of an instance. */
  enum State { RUNNING, DEAD, STOPPED, DONE, FAILED }

  private final Path root;
  private final ClusterTopology topology;
  private final ClusterTopology.Addressing addressing;

  ClusterProcesses(Path root, ClusterTopology topology) {
    this.root = root.toAbsolutePath().normalize();
    this.topology = topology;
    this.addressing = ClusterTopology.loopback(this.root.toString());
  }

  Path root() {
    return root;
  }

  ClusterTopology.Addressing addressing() {
    return addressing;
  }

  Path dir(Instance i) {
    return root.resolve(i.name());
  }

  /** The live process of an instance: its pid file names a running JVM of this instance (its directory on its command line). */
  Optional<ProcessHandle> live(Instance i) {
    Path pidFile = dir(i).resolve(PID);
    if (!Files.isRegularFile(pidFile)) {
      return Optional.empty();
    }
    try {
      long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
      return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(ph -> ownCommandLine(pid, i));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  /**
   * True when the process's command line names the instance's directory, so a pid reused by another program does not
   * count (ProcessHandle.Info drops the arguments of a command line as long as a JVM's, so /proc is read).
   */
  private boolean ownCommandLine(long pid, Instance i) {
    Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
    if (!Files.isReadable(cmdline)) {
      return true; // not Linux: the pid file is trusted
    }
    try {
      return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(dir(i).toString() + "\0");
    } catch (IOException e) {
      return false; // exited meanwhile
    }
  }

  Optional<Long> pid(Instance i) {
    try {
      return Optional.of(Long.parseLong(Files.readString(dir(i).resolve(PID), StandardCharsets.UTF_8).trim()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  State state(Instance i) {
    if (live(i).isPresent()) {
      return State.RUNNING;
    }
    if (i.oneShot()) {
      try {
        String code = Files.readString(dir(i).resolve(EXIT), StandardCharsets.UTF_8).trim();
        return code.equals("0") ? State.DONE : State.FAILED;
      } catch (IOException e) {
        return State.STOPPED;
      }
    }
    return Files.exists(dir(i).resolve(PID)) ? State.DEAD : State.STOPPED;
  }

  /** The full command line of an instance. */
  List<String> command(Instance i) {
    return command(i, List.of());
  }

  /** The full command line of an instance, with {@code extra} arguments after the topology's. */
  List<String> command(Instance i, List<String> extra) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // the role's own heap replaces this process's; a debugger or agent stays with this process
      if (!(a.startsWith("-Xmx") || a.startsWith("-Xms") || a.startsWith("-XX:MaxRAMPercentage") || a.startsWith("-agentlib")
          || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp"))) {
        String home = "-D" + io.strata.embedded.RegistryProcess.HOME_PROPERTY + "=";
        // the instance runs in its own directory: paths relative to this one are made absolute
        cmd.add(a.startsWith(home) ? home + Path.of(a.substring(home.length())).toAbsolutePath() : a);
      }
    }
    cmd.add("-Xmx" + i.heap());
    cmd.add("-cp");
    cmd.add(java.util.Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .map(e -> Path.of(e).toAbsolutePath().toString()).collect(java.util.stream.Collectors.joining(File.pathSeparator)));
    cmd.add("io.strata.app.Main");
    cmd.addAll(topology.args(i, addressing));
    cmd.addAll(extra);
    return cmd;
  }

  /** A started instance: its process and where its output starts in {@code out.log}. */
  record Started(Instance instance, Process process, long logOffset, long startNanos) {}

  /** Starts an instance detached from this process's session; its pid goes to its pid file. */
  Started start(Instance i) throws IOException {
    return start(i, List.of());
  }

  /** As {@link #start(Instance)}, with {@code extra} arguments after the topology's. */
  Started start(Instance i, List<String> extra) throws IOException {
    Path d = dir(i);
    Files.createDirectories(d);
    Files.deleteIfExists(d.resolve(EXIT));
    Path out = d.resolve(OUT);
    long offset = Files.exists(out) ? Files.size(out) : 0;
    List<String> cmd = new ArrayList<>();
    if (new File("/usr/bin/setsid").canExecute()) {
      cmd.add("/usr/bin/setsid"); // its own session: a later Ctrl-C in this terminal does not reach it
    }
    cmd.addAll(command(i, extra));
    Process p = new ProcessBuilder(cmd).directory(d.toFile()).redirectInput(new File("/dev/null"))
        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
    Files.writeString(d.resolve(PID), Long.toString(p.pid()), StandardCharsets.UTF_8);
    return new Started(i, p, offset, System.nanoTime());
  }

  /**
   * Waits until a started instance prints {@code ready} (a one-shot: exits 0).
   *
   * @throws IllegalStateException when it exits first or the deadline passes, with the tail of its log
   */
  void awaitReady(Started s, long deadlineNanos) throws InterruptedException {
    Path out = dir(s.instance()).resolve(OUT);
    long offset = s.logOffset();
    StringBuilder partial = new StringBuilder();
    while (true) {
      if (s.instance().oneShot()) {
        if (!s.process().isAlive()) {
          int code = s.process().exitValue();
          try {
            Files.writeString(dir(s.instance()).resolve(EXIT), Integer.toString(code), StandardCharsets.UTF_8);
          } catch (IOException e) {
            // the state shows as stopped then
          }
          if (code == 0) {
            return;
          }
          throw new IllegalStateException(s.instance().name() + " exited with code " + code + "\n" + tail(out, 20));
        }
      } else {
        try (RandomAccessFile f = new RandomAccessFile(out.toFile(), "r")) {
          if (f.length() > offset) {
            byte[] b = new byte[(int) Math.min(f.length() - offset, 1 << 20)];
            f.seek(offset);
            f.readFully(b);
            offset += b.length;
            partial.append(new String(b, StandardCharsets.UTF_8));
            int nl;
            while ((nl = partial.indexOf("\n")) >= 0) {
              if (partial.substring(0, nl).trim().equals("ready")) {
                return;
              }
              partial.delete(0, nl + 1);
            }
          }
        } catch (IOException e) {
          // not written yet
        }
        if (!s.process().isAlive()) {
          throw new IllegalStateException(s.instance().name() + " exited with code " + s.process().exitValue() + " before it was ready; "
              + out + " ends with:\n" + tail(out, 20));
        }
      }
      if (System.nanoTime() > deadlineNanos) {
        throw new IllegalStateException(s.instance().name() + " was not ready in time; " + out + " ends with:\n" + tail(out, 20));
      }
      Thread.sleep(200);
    }
  }

  static String tail(Path file, int lines) {
    try {
      List<String> all = List.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).split("\n"));
      return "    " + String.join("\n    ", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "    (no log: " + e.getMessage() + ")";
    }
  }
}
