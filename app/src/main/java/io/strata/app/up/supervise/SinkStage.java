package io.strata.app.up.supervise;

import io.strata.embedded.ConnectWorker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

/**
 * The TSDB sink connector on the Connect worker. Missing (deleted through Connect's REST API): created again
 * with its configuration; connector or tasks FAILED: restarted. PAUSED or STOPPED is what someone asked
 * for: reported, not undone. Sink offsets live in the consumer group {@code connect-<name>}, so a recreated
 * connector resumes where the deleted one committed.
 */
public final class SinkStage implements SupervisedStage {
  private final ConnectWorker worker;
  private final String connector;
  private final Map<String, String> config;

  public SinkStage(ConnectWorker worker, String connector, Map<String, String> config) {
    this.worker = worker;
    this.connector = connector;
    this.config = Map.copyOf(config);
  }

  @Override
  public String name() {
    return "sink";
  }

  @Override
  public Check check() {
    ConnectorStateInfo st = worker.status(connector);
    if (st == null) {
      return Check.repair("connector " + connector + " does not exist", "creating connector " + connector + " again",
          () -> worker.putConnector(connector, config));
    }
    String state = st.connector().state();
    if ("FAILED".equals(state)) {
      return Check.repair("connector " + connector + " FAILED: " + firstLine(st.connector().trace()), "restarting connector " + connector,
          () -> worker.restartConnector(connector));
    }
    if (!"RUNNING".equals(state)) {
      return Check.problem("connector " + connector + " is " + state);
    }
    List<Integer> failed = new ArrayList<>();
    String failure = null;
    for (ConnectorStateInfo.TaskState t : st.tasks()) {
      if ("FAILED".equals(t.state())) {
        failed.add(t.id());
        failure = failure != null ? failure : "task " + t.id() + " FAILED: " + firstLine(t.trace());
      }
    }
    if (!failed.isEmpty()) {
      return Check.repair(failure + (failed.size() > 1 ? " (tasks " + failed + " failed)" : ""), "restarting task(s) " + failed, () -> {
        for (int id : failed) {
          worker.restartTask(connector, id);
        }
      });
    }
    if (st.tasks().isEmpty()) {
      return Check.problem("connector " + connector + " has no task");
    }
    for (ConnectorStateInfo.TaskState t : st.tasks()) {
      if (!"RUNNING".equals(t.state())) {
        return Check.problem("task " + t.id() + " is " + t.state());
      }
    }
    return Check.OK;
  }

  static String firstLine(String trace) {
    if (trace == null || trace.isBlank()) {
      return "(no trace)";
    }
    int nl = trace.indexOf('\n');
    return nl < 0 ? trace : trace.substring(0, nl);
  }

  @Override
  public String consumerGroup() {
    return "connect-" + connector;
  }

  @Override
  public String deadLetterCounter() {
    return "strata_sink_deadletter_total";
  }

  @Override
  public void close() {
    // the worker is stopped by whoever started it
  }
}
