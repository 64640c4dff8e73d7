package io.strata.bench.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcTreeTest {
  @Test
  void parsesStatWithSpacesAndParenthesesInTheName() {
    ProcTree.Stat s = ProcTree.parseStat("5215 (C2 Compiler) (x)) R 5213 5213 9740 0 -1 4194304 99 0 0 0 731 42 7 3 20 0 57 0 2343998 3133440 402"
        + " 18446744073709551615 93966846447616 0\n");
    assertEquals(5215, s.pid());
    assertEquals("C2 Compiler) (x)", s.comm());
    assertEquals(5213, s.ppid());
    assertEquals(731, s.utime());
    assertEquals(42, s.stime());
    assertEquals(7, s.cutime());
    assertEquals(3, s.cstime());
    assertEquals(57, s.threads());
    assertEquals(402, s.rssPages());
  }

  @Test
  void treeSumsEveryDescendantButNoOtherProcess() {
    ProcTree.Stat root = stat(10, 1, 100, 5, 2);
    ProcTree.Stat child = stat(11, 10, 50, 0, 1);
    ProcTree.Stat grandchild = stat(12, 11, 20, 0, 1);
    ProcTree.Stat stranger = stat(13, 1, 999, 0, 1);
    List<ProcTree.Stat> tree = ProcTree.descendants(root, Map.of(1, List.of(root, stranger), 10, List.of(child), 11, List.of(grandchild)));
    assertEquals(List.of(root, child, grandchild), tree);
    // user + system of each, plus what the root's reaped children used
    assertEquals((100 + 5 + 50 + 20) / ProcTree.TICKS_PER_SECOND, ProcTree.cpuSeconds(tree), 1e-9);
    assertEquals(3 * 10 * ProcTree.PAGE_SIZE, ProcTree.rssBytes(tree));
    assertEquals(2 + 1 + 1, ProcTree.threads(tree));
  }

  @Test
  void forestCountsSeveralRootsAndTheirChildrenEachOnce() {
    ProcTree.Stat broker = stat(20, 1, 100, 0, 1);
    ProcTree.Stat registry = stat(21, 1, 30, 0, 1);
    ProcTree.Stat apicurio = stat(22, 21, 70, 0, 1);
    ProcTree.Stat stranger = stat(23, 1, 999, 0, 1);
    Map<Integer, List<ProcTree.Stat>> byParent = Map.of(1, List.of(broker, registry, stranger), 21, List.of(apicurio));
    // the registry's child also given as a root: still counted once
    List<ProcTree.Stat> forest = ProcTree.forest(List.of(broker, registry, apicurio), byParent);
    assertEquals(List.of(broker, registry, apicurio), forest);
    assertEquals((100 + 30 + 70) / ProcTree.TICKS_PER_SECOND, ProcTree.cpuSeconds(forest), 1e-9);
  }

  @Test
  void truncatedJavaThreadNamesMapToStages() {
    assertEquals("JIT compiler", ProcTree.stage("C2 CompilerThre"));
    assertEquals("GC", ProcTree.stage("G1 Conc#0"));
    assertEquals("Streams", ProcTree.stage("strata-rollup-v"));
    assertEquals("Connect sink task", ProcTree.stage("task-thread-str"));
    assertEquals("producer", ProcTree.stage("kafka-producer-"));
    assertEquals("broker", ProcTree.stage("data-plane-kafk"));
    assertEquals("broker", ProcTree.stage("kafka-1-raft-io"));
    assertEquals("other", ProcTree.stage("kafka-admin-cli"));
    assertEquals("Flink", ProcTree.stage("Source: samples"));
    assertEquals("ingest HTTP", ProcTree.stage("ingest-http-3"));
    assertEquals("TSDB", ProcTree.stage("strata-tsdb-com"));
    assertEquals("other", ProcTree.stage("Signal Dispatch"));
  }

  private static ProcTree.Stat stat(int pid, int ppid, long utime, long cutime, int threads) {
    return new ProcTree.Stat(pid, "p" + pid, ppid, utime, 0, cutime, 0, threads, 10);
  }
}
