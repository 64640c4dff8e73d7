package io.strata.ingest.scrape.discovery;

import io.strata.ingest.scrape.config.FileSdConfig;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code file_sd_configs}: reads every file matching the patterns ({@code *} globs in the file name), and
 * re-reads on file-system change events and every refresh interval. A file that fails to parse keeps its
 * previous groups (Prometheus does the same) and reports the error; a deleted file drops its groups.
 * Groups carry {@code __meta_filepath}.
 */
public final class FileSdDiscoverer implements Discoverer {
  private final FileSdConfig config;
  private final Consumer<String> onError;
  private final Map<Path, List<TargetGroup>> lastGood = new HashMap<>();
  private volatile boolean closed;
  private WatchService watcher;
  private Thread thread;
  private List<TargetGroup> lastSent;

  public FileSdDiscoverer(FileSdConfig config, Consumer<String> onError) {
    this.config = config;
    this.onError = onError;
  }

  @Override
  public void start(Consumer<List<TargetGroup>> onUpdate) {
    try {
      watcher = FileSystems.getDefault().newWatchService();
      Set<Path> dirs = new HashSet<>();
      for (String f : config.files()) {
        dirs.add(dir(f));
      }
      for (Path d : dirs) {
        try {
          d.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException e) {
          onError.accept("file_sd: cannot watch directory " + d + ": " + e + " (falling back to refresh_interval)");
        }
      }
    } catch (IOException e) {
      onError.accept("file_sd: cannot create a watch service: " + e);
    }
    refresh(onUpdate);
    thread = new Thread(() -> loop(onUpdate), "strata-file-sd");
    thread.setDaemon(true);
    thread.start();
  }

  private void loop(Consumer<List<TargetGroup>> onUpdate) {
    long refreshMs = config.refreshInterval().toMillis();
    while (!closed) {
      try {
        if (watcher != null) {
          var key = watcher.poll(refreshMs, TimeUnit.MILLISECONDS);
          if (key != null) {
            key.pollEvents();
            key.reset();
            // Editors write files in several steps; let a burst of events settle before reading.
            Thread.sleep(20);
            var more = watcher.poll();
            while (more != null) {
              more.pollEvents();
              more.reset();
              more = watcher.poll();
            }
          }
        } else {
          Thread.sleep(refreshMs);
        }
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      if (!closed) {
        refresh(onUpdate);
      }
    }
  }

  synchronized void refresh(Consumer<List<TargetGroup>> onUpdate) {
    List<TargetGroup> all = new ArrayList<>();
    Set<Path> seen = new HashSet<>();
    for (String pattern : config.files()) {
      for (Path p : expand(pattern)) {
        if (!seen.add(p)) {
          continue;
        }
        try {
          byte[] content = Files.readAllBytes(p);
          String name = p.getFileName().toString();
          boolean yaml = name.endsWith(".yml") || name.endsWith(".yaml");
          List<TargetGroup> groups = TargetGroupReader.read(content, yaml, p.toString(), "__meta_filepath", p.toString());
          lastGood.put(p, groups);
        } catch (NoSuchFileException e) {
          lastGood.remove(p);
          continue;
        } catch (IOException | RuntimeException e) {
          onError.accept("file_sd: error reading file " + p + ": " + e.getMessage());
        }
        List<TargetGroup> g = lastGood.get(p);
        if (g != null) {
          all.addAll(g);
        }
      }
    }
    lastGood.keySet().retainAll(seen);
    if (!all.equals(lastSent)) {
      lastSent = all;
      onUpdate.accept(List.copyOf(all));
    }
  }

  private static Path dir(String pattern) {
    Path parent = Path.of(pattern).toAbsolutePath().getParent();
    return parent == null ? Path.of("/") : parent;
  }

  private static List<Path> expand(String pattern) {
    Path p = Path.of(pattern).toAbsolutePath();
    String name = p.getFileName().toString();
    List<Path> out = new ArrayList<>();
    if (!name.contains("*") && !name.contains("?") && !name.contains("[")) {
      if (Files.isRegularFile(p)) {
        out.add(p);
      }
      return out;
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + name);
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(p.getParent())) {
      for (Path f : ds) {
        if (m.matches(f.getFileName()) && Files.isRegularFile(f)) {
          out.add(f);
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort(null);
    return out;
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException ignored) {
      // closing a watch service only fails if it is already closed
    }
    if (thread != null) {
      thread.interrupt();
    }
  }
}
