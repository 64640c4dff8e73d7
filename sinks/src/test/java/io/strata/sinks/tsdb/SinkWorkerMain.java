package io.strata.sinks.tsdb;

import io.strata.embedded.ConnectWorker;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** A Connect worker running the TSDB sink, as a child process the kill-restart test can SIGKILL. */
public final class SinkWorkerMain {
  private SinkWorkerMain() {}

  /** Args: bootstrap registryUrl storeDir connectDir restPort topic. */
  public static void main(String[] args) throws Exception {
    ConnectWorker worker = ConnectWorker.start(args[0], "127.0.0.1", Integer.parseInt(args[4]), Path.of(args[3]), 200,
        Map.of("consumer.session.timeout.ms", "6000", "consumer.heartbeat.interval.ms", "2000"));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      worker.close();
      stopped.countDown();
    }));
    worker.putConnector("tsdb", Map.of(
        "connector.class", TsdbSinkConnector.class.getName(),
        "tasks.max", "2",
        "topics", args[5],
        TsdbSinkConfig.DATA_DIR, args[2],
        TsdbSinkConfig.REGISTRY_URL, args[1],
        TsdbSinkConfig.KAFKA_BOOTSTRAP, args[0]));
    System.out.println("sink running");
    stopped.await();
  }
}
