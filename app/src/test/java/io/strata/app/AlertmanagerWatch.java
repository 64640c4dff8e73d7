package io.strata.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Polls an Alertmanager's {@code GET /api/v2/alerts} (which lists the alerts whose {@code endsAt} has not
 * passed) every {@link #POLL_MS} and records, per label set, each episode: when the alert appeared there,
 * when it went away (resolved), its {@code startsAt} values and its latest annotations.
 */
final class AlertmanagerWatch implements AutoCloseable {
  static final long POLL_MS = 500;

  /** One stretch of time during which the Alertmanager held the alert as not ended. */
  static final class Episode {
    final Map<String, String> labels;
    final long appearedMs;
    long disappearedMs = -1;
    /** Every distinct startsAt seen during the episode: more than one is a re-fire the poll did not see go. */
    final Set<Instant> startsAt = new LinkedHashSet<>();
    Map<String, String> annotations = Map.of();

    Episode(Map<String, String> labels, long appearedMs) {
      this.labels = labels;
      this.appearedMs = appearedMs;
    }

    boolean open() {
      return disappearedMs < 0;
    }

    @Override
    public String toString() {
      return labels + " appeared " + Instant.ofEpochMilli(appearedMs) + (open() ? ", still there" : ", gone " + Instant.ofEpochMilli(disappearedMs))
          + ", startsAt " + startsAt + ", annotations " + annotations;
    }
  }

  private final String name;
  private final AlertmanagerProcess am;
  private final List<Episode> episodes = new ArrayList<>();
  private final Map<String, Episode> open = new HashMap<>();
  private final Thread poller;
  private volatile boolean stop;
  private int pollErrors;
  private String lastPollError;

  AlertmanagerWatch(String name, AlertmanagerProcess am) {
    this.name = name;
    this.am = am;
    this.poller = new Thread(this::run, "watch-" + name);
    poller.setDaemon(true);
    poller.start();
  }

  private void run() {
    while (!stop) {
      long t0 = System.currentTimeMillis();
      try {
        JsonNode alerts = am.alerts();
        record(alerts, System.currentTimeMillis());
      } catch (Exception e) {
        synchronized (this) {
          pollErrors++;
          lastPollError = e.toString();
        }
      }
      long sleep = POLL_MS - (System.currentTimeMillis() - t0);
      if (sleep > 0) {
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private synchronized void record(JsonNode alerts, long nowMs) {
    Set<String> seen = new java.util.HashSet<>();
    for (JsonNode a : alerts) {
      Map<String, String> labels = strings(a.get("labels"));
      String key = labels.toString();
      seen.add(key);
      Episode e = open.get(key);
      if (e == null) {
        e = new Episode(labels, nowMs);
        open.put(key, e);
        episodes.add(e);
        System.out.println("[" + name + "] " + Instant.ofEpochMilli(nowMs) + " firing " + labels + " startsAt " + a.path("startsAt").asText());
      }
      e.startsAt.add(Instant.parse(a.get("startsAt").asText()));
      e.annotations = strings(a.get("annotations"));
    }
    for (var it = open.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!seen.contains(entry.getKey())) {
        entry.getValue().disappearedMs = nowMs;
        System.out.println("[" + name + "] " + Instant.ofEpochMilli(nowMs) + " resolved " + entry.getValue().labels);
        it.remove();
      }
    }
  }

  private static Map<String, String> strings(JsonNode obj) {
    Map<String, String> m = new TreeMap<>();
    if (obj != null) {
      obj.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asText()));
    }
    return m;
  }

  /** A copy of the episodes so far, in the order they began. */
  synchronized List<Episode> episodes() {
    List<Episode> copy = new ArrayList<>();
    for (Episode e : episodes) {
      Episode c = new Episode(e.labels, e.appearedMs);
      c.disappearedMs = e.disappearedMs;
      c.startsAt.addAll(e.startsAt);
      c.annotations = e.annotations;
      copy.add(c);
    }
    return copy;
  }

  /** The episodes of the alert with exactly these labels. */
  List<Episode> episodes(Map<String, String> labels) {
    return episodes().stream().filter(e -> e.labels.equals(new TreeMap<>(labels))).toList();
  }

  synchronized String describe() {
    StringBuilder b = new StringBuilder(name + " (" + pollErrors + " failed polls" + (lastPollError == null ? "" : ", last: " + lastPollError) + "):\n");
    for (Episode e : episodes) {
      b.append("  ").append(e).append('\n');
    }
    return b.toString();
  }

  @Override
  public void close() throws InterruptedException {
    stop = true;
    poller.interrupt();
    poller.join(5_000);
  }
}
